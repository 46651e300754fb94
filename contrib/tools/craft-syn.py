#!/usr/bin/env python3
"""Send crafted TCP SYNs over loopback, built from p0f signatures, so that a p0f sniffing loopback
fingerprints the sending address as the signature's system.

    craft-syn.py PROFILE SOURCE PORT [OPTIONS]      a named profile (see --help), e.g. windows-7
    craft-syn.py --sig SIG SOURCE PORT [OPTIONS]    any p0f [tcp:request] signature
    craft-syn.py --batch [--hex] < LINES            many SYNs in one process, one per stdin line
    ... --hex                                       print the packet instead of sending it

SIG is one p0f `sig` value, ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass, e.g.
'*:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0'. The SYN matches it exactly (never fuzzily):
IPv4 or IPv6 (from the source address; a `4` or `6` signature must agree), TTL = ittl - distance,
IPv4 options of olen bytes (NOPs), the window forms mss*N, mtu*N, %N and constants, the scale, the
option layout in order (eol+N with its N padding bytes, ?N as an option of kind N and length 2, sack
with one block), every quirk p0f knows (df, id+, id-, ecn, 0+, flow, seq-, ack+, uptr+, urgf+,
pushf+, ts1-, ts2+, opt+, exws, bad; ack- marks SYN+ACKs and is refused) and the payload class.
Wildcards get values that match no more specific signature of p0f's database: MSS 1460 (smaller
when mss*N or mtu*N would pass 65535), window 65521, scale 14 (15 with exws), no payload; --mss,
--window, --scale and --payload choose them instead. The rules are p0f 3.09b's own code; see
p0f_syn.py, the library next to this script.

OPTIONS
  --ttl N           IP TTL (hop limit) as sent; default: the signature's ittl - --distance
  --distance N      hops p0f should report (default 0); p0f matches at most 35 exactly
  --destination IP  default 127.0.0.1, or ::1 for an IPv6 source
  --source-port N   default random 20000-60999
  --mss N, --window N, --scale N, --payload N   values for the signature's wildcards
  --interface IF    send on the link IF instead of loopback (see below); needs --destination
  --hex             print the packet (IP header onward) as hex and send nothing (no root needed,
                    any addresses)

Sending needs root and goes out on the loopback interface (an AF_PACKET socket on `lo`): the
source and the destination must be loopback addresses (127.0.0.0/8, ::1). A SYN to a port where
nobody listens is enough: p0f records the host from the SYN alone. This project's tests and demo
keep 127.0.0.64-127.0.0.127 out of p0f's filter for real connections, so that those sources keep
their crafted fingerprint:

    p0f -i lo -s /run/p0f/p0f.sock '(tcp dst port 2525 and not src net 127.0.0.64/26) or tcp dst port 2599'
    craft-syn.py windows-7 127.0.0.77 2599

With --interface IF the SYN goes out on IF instead, an Ethernet link of the network namespace the
script runs in, to the link address the kernel has for the destination (resolved by ARP or NDP
when it has none yet), from IF's own: as a client on that link would send it, for a p0f on
another host (here: another namespace) to see. Sources and destinations are then any unicast
addresses of the same IP version; the source need not be configured on IF, but replies reach the
client only if it is. Use it in network namespaces of your own, never on a real network:

    ip netns exec CLIENT craft-syn.py windows-10 198.18.80.77 2599 --interface veth0 --destination 198.18.80.1

Output: one line per SYN: `sent SYN SOURCE:PORT -> DESTINATION:PORT ttl N raw_sig SIG` (the
raw_sig p0f logs for it), for a profile followed by `(p0f should say 'LABEL')`; with --hex the
packet's hex instead.

--batch reads argument lines from stdin (the same arguments as above, shell-quoted; blank lines
and lines starting with # are skipped) and answers each with exactly one output line, in order;
a line that fails answers `error: WHY` and the others still go out.

Exit codes: 0 all sent (or printed), 2 usage error (bad signature, address or value; in batch mode:
some line), 3 could not send (not root, no packet socket, no such interface, no link address for
the destination).
"""

import argparse
import ipaddress
import json
import os
import random
import shlex
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p0f_syn  # noqa: E402  (the library next to this script)

# Named profiles: a `sig` line of contrib/p0f/p0f.fp (the project's database, which keeps p0f 3.09b's
# stock lines) and the label p0f gives it with that database.
PROFILES = {
    "windows-7": ("*:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0", "Windows 7 or 8"),
    "windows-10": ("*:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0", "Windows 10 or 11 (or Server 2016+)"),
    "windows-xp": ("*:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0", "Windows XP"),
    "freebsd": ("*:64:0:*:65535,6:mss,nop,ws,sok,ts:df,id+:0", "FreeBSD 9.x or newer"),
    # The flavor is longer than the API's 32 bytes: p0f answers "10.9 or newer (sometimes iPhone ".
    "macos": ("*:64:0:*:65535,4:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0",
              "MacOS X 10.9 or newer (sometimes iPhone or iPad)"),
    "macos-10": ("*:64:0:*:65535,3:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0", "Mac OS X 10.x"),
    "linux": ("*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0", "Linux 3.11-4.18"),
    # What this machine's Linux 6.18 sends through a veth with MTU 1500 (contrib/tools/kernel-syn.sh).
    "linux-modern": ("*:64:0:*:mss*44,10:mss,sok,ts,nop,ws:df,id+:0", "Linux 4.19 and newer"),
    "apple": ("*:64:0:*:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:df,ecn:0", "Mac OS X (macOS, iOS or iPadOS)"),
}

EXIT_USAGE = 2
EXIT_SEND_FAILED = 3
ETHERTYPE = {4: 0x0800, 6: 0x86DD}


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """Raises instead of exiting, so that a bad batch line does not end the batch."""

    def error(self, message):
        raise UsageError(message)


def number(low, high, what):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%s %r is not a number" % (what, text))
        if not low <= value <= high:
            raise argparse.ArgumentTypeError("%s %d is not between %d and %d" % (what, value, low, high))
        return value
    return parse


def address(text):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not an IP address" % text)


def argument_parser():
    parser = Parser(prog="craft-syn.py", formatter_class=argparse.RawDescriptionHelpFormatter,
                    description=__doc__.split("\n\n")[0], epilog=profiles_epilog()
                    + "\n\nSee the top of this script for the signature rules, batch mode and exit codes.")
    syn_arguments(parser, "PROFILE SOURCE PORT")
    parser.add_argument("--interface", metavar="IF", help="send on this Ethernet link (needs --destination)")
    parser.add_argument("--hex", action="store_true", help="print the packet as hex, send nothing")
    parser.add_argument("--batch", action="store_true", help="read one argument line per SYN from stdin")
    return parser


def profiles_epilog():
    return "profiles (label with contrib/p0f/p0f.fp):\n" + "\n".join(
        "  %-12s %s  %s" % (name, sig, label) for name, (sig, label) in PROFILES.items())


def syn_arguments(parser, words):
    """The arguments that describe one SYN (profile or --sig, addresses, wildcard values): shared with
    crafted-smtp.py, which sends the same SYNs and then completes the handshake."""
    parser.add_argument("words", nargs="*", metavar=words,
                        help="a profile, the source address and the destination port (without PROFILE "
                             "when --sig is given)")
    parser.add_argument("--sig", help="a p0f [tcp:request] signature to match instead of a profile")
    parser.add_argument("--ttl", type=number(1, 255, "TTL"), help="TTL as sent (default: ittl - distance)")
    parser.add_argument("--distance", type=number(0, 255, "distance"), default=0, help="hops p0f reports (default 0)")
    parser.add_argument("--destination", type=address, help="default 127.0.0.1, or ::1 for an IPv6 source")
    parser.add_argument("--source-port", type=number(1, 65535, "source port"), help="default random")
    parser.add_argument("--mss", type=number(0, 65535, "MSS"), help="for a * MSS (default 1460)")
    parser.add_argument("--window", type=number(0, 65535, "window"), help="for a * or %%N window (default 65521)")
    parser.add_argument("--scale", type=number(0, 255, "window scale"), help="for a * scale (default 14)")
    parser.add_argument("--payload", type=number(0, 1000, "payload bytes"), help="for payload class + (default 8)")


class Syn:
    """One SYN to build from parsed arguments: its packet, and the line that reports it."""

    def __init__(self, args, loopback_only=True):
        if args.sig is not None:
            if len(args.words) != 2:
                raise UsageError("with --sig give SOURCE PORT, not %s" % " ".join(args.words or ["nothing"]))
            self.sig_text, self.label = args.sig, None
            source, port = args.words
        else:
            if len(args.words) != 3:
                raise UsageError("give PROFILE SOURCE PORT (or --sig SIG SOURCE PORT)")
            name, source, port = args.words
            if name not in PROFILES:
                raise UsageError("unknown profile %r (profiles: %s)" % (name, ", ".join(PROFILES)))
            self.sig_text, self.label = PROFILES[name]
        try:
            self.source = address(source)
            self.port = number(1, 65535, "port")(port)
        except argparse.ArgumentTypeError as e:
            raise UsageError(str(e))
        # crafted-smtp.py has no --interface: it carries its packets through a TUN device itself.
        self.interface = getattr(args, "interface", None)
        if self.interface is not None:
            if args.destination is None:
                raise UsageError("--interface %s needs --destination: the address of the host on that link"
                                 % self.interface)
            if self.interface == "lo":
                raise UsageError("--interface lo: leave --interface out to send on loopback")
        self.destination = args.destination or ipaddress.ip_address("::1" if self.source.version == 6 else "127.0.0.1")
        on_loopback = self.source.is_loopback and self.destination.is_loopback
        if loopback_only and not args.hex and self.interface is None and not on_loopback:
            raise UsageError("%s -> %s: without --interface, SYNs are sent on loopback only (127.0.0.0/8, ::1);"
                             " --hex prints any" % (self.source, self.destination))
        if self.interface is not None and (self.source.is_loopback or self.destination.is_loopback
                                           or self.destination.is_multicast):
            raise UsageError("%s -> %s: on --interface %s, give unicast addresses of that link, not loopback"
                             % (self.source, self.destination, self.interface))
        self.source_port = args.source_port or random.randint(20000, 60999)
        try:
            signature = p0f_syn.parse_signature(self.sig_text)
            self.packet = p0f_syn.build_syn(signature, self.source, self.destination, self.source_port, self.port,
                                            ttl=args.ttl, distance=args.distance, mss=args.mss, window=args.window,
                                            scale=args.scale, payload=args.payload)
        except p0f_syn.SignatureError as e:
            raise UsageError("signature %s: %s" % (self.sig_text, e))

    def report(self):
        ttl = self.packet[7] if self.source.version == 6 else self.packet[8]
        line = "sent SYN %s -> %s ttl %d raw_sig %s" % (endpoint(self.source, self.source_port),
                                                         endpoint(self.destination, self.port), ttl,
                                                         p0f_syn.raw_signature(self.packet))
        return line + (" (p0f should say %r)" % self.label if self.label else "")


def endpoint(ip, port):
    return ("[%s]:%d" if ip.version == 6 else "%s:%d") % (ip, port)


class Sender:
    """AF_PACKET sockets, one per interface: every header byte goes out as built (a raw IP socket
    would fill in the IP ID, so id- could not be sent). On lo the Ethernet addresses are zero; on
    another link the frame goes from the interface's address to the destination's."""

    def __init__(self):
        self.sockets = {}

    def send(self, syn):
        interface = syn.interface or "lo"
        if interface not in self.sockets:
            if os.geteuid() != 0:
                raise OSError("needs root to send on the %s interface (run it with sudo)" % interface)
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            try:
                sock.bind((interface, 0))
            except OSError as e:
                sock.close()
                raise OSError("no interface %r here (%s)" % (interface, e.strerror or e))
            self.sockets[interface] = sock
        if syn.interface is None:
            link = bytes(12)
        else:
            link = neighbour(syn.interface, syn.destination) + own_address(syn.interface)
        self.sockets[interface].send(link + struct.pack("!H", ETHERTYPE[syn.source.version]) + syn.packet)

    def close(self):
        for sock in self.sockets.values():
            sock.close()


def own_address(interface):
    with open("/sys/class/net/%s/address" % interface) as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def neighbour(interface, destination, wait=2.0):
    """The link address the kernel has for `destination` on `interface`; when it has none, a UDP
    datagram to the destination's discard port makes it ask (ARP or NDP)."""
    deadline = time.monotonic() + wait
    asked = False
    while True:
        shown = subprocess.run(["ip", "-j", "neigh", "show", "to", str(destination), "dev", interface],
                               capture_output=True, text=True)
        for entry in json.loads(shown.stdout or "[]"):
            if entry.get("lladdr") and not set(entry.get("state", [])) & {"FAILED", "INCOMPLETE"}:
                return bytes.fromhex(entry["lladdr"].replace(":", ""))
        if time.monotonic() > deadline:
            raise OSError("no link address for %s on %s within %g s: is it a host on that link?"
                          % (destination, interface, wait))
        if not asked:
            family = socket.AF_INET6 if destination.version == 6 else socket.AF_INET
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
                udp.sendto(b"", (str(destination), 9))
            asked = True
        time.sleep(0.01)


def run(argv, hex_mode, sender):
    """One SYN from one argument list: the output line. Raises UsageError or OSError."""
    args = argument_parser().parse_args(argv)
    if args.batch:
        raise UsageError("--batch belongs on the command line, not on a batch line")
    args.hex = args.hex or hex_mode
    syn = Syn(args)
    if args.hex:
        return syn.packet.hex()
    sender.send(syn)
    return syn.report()


def batch(hex_mode, sender):
    status = 0
    for number_, line in enumerate(sys.stdin, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            print(run(shlex.split(line), hex_mode, sender), flush=True)
        except (UsageError, ValueError) as e:
            print("error: line %d: %s" % (number_, e), flush=True)
            status = max(status, EXIT_USAGE)
        except OSError as e:
            print("error: line %d: cannot send: %s" % (number_, e.strerror or e), flush=True)
            status = EXIT_SEND_FAILED
    return status


def main(argv):
    sender = Sender()
    try:
        args = argument_parser().parse_args(argv)
        if args.batch:
            if args.words or args.sig:
                raise UsageError("--batch reads its SYNs from stdin: give no PROFILE, SOURCE, PORT or --sig")
            return batch(args.hex, sender)
        print(run(argv, False, sender))
        return 0
    except UsageError as e:
        print("craft-syn.py: %s (see --help)" % e, file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        print("craft-syn.py: cannot send the SYN: %s" % (e.strerror or e), file=sys.stderr)
        return EXIT_SEND_FAILED
    finally:
        sender.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
