#!/usr/bin/env python3
"""Send one crafted TCP SYN over loopback, shaped like another operating system, so that a p0f
sniffing loopback fingerprints the sending address as that system.

Needs root (a raw IPv4 socket). Python 3 standard library only. Loopback only: the source and the
destination must both be in 127.0.0.0/8.

The SYN goes to a port where nothing needs to listen: p0f records the host from the SYN alone
(the kernel answers it with a reset). Sources 127.0.0.64-127.0.0.127 are the ones this project's
tests and demo keep out of p0f's filter for real connections, so that their crafted fingerprint
stays in p0f's cache while they also open real SMTP connections:

    p0f -i lo -s /run/p0f/p0f.sock \\
        '(tcp dst port 2525 and not src net 127.0.0.64/26) or tcp dst port 2599'
    craft-syn.py windows-7 127.0.0.77 2599

Exit codes: 0 sent, 2 usage error, 3 could not send (not root, no raw sockets).
"""

import argparse
import ipaddress
import os
import random
import socket
import struct
import sys

# Each profile follows one `sig` line of the [tcp:request] section of p0f 3.09b's
# /etc/p0f/p0f.fp, given here next to the label p0f prints for it:
#   sig = ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass
# Options are (kind, value) pairs laid out in order; "eol" takes the number of padding bytes
# that follow it. Every profile sets DF with a non-zero IP ID (p0f's "df,id+"), a non-zero
# sequence number, no ACK number, and a non-zero own timestamp (no "ts1-" quirk).
PROFILES = {
    "windows-7": {
        "p0f": "Windows 7 or 8",
        "sig": "*:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0",
        "ttl": 128, "window": 8192,
        "options": [("mss", 1460), ("nop", None), ("ws", 8), ("nop", None), ("nop", None), ("sok", None)],
    },
    "windows-xp": {
        "p0f": "Windows XP",
        "sig": "*:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0",
        "ttl": 128, "window": 65535,
        "options": [("mss", 1460), ("nop", None), ("nop", None), ("sok", None)],
    },
    "freebsd": {
        "p0f": "FreeBSD 9.x or newer",
        "sig": "*:64:0:*:65535,6:mss,nop,ws,sok,ts:df,id+:0",
        "ttl": 64, "window": 65535,
        "options": [("mss", 1460), ("nop", None), ("ws", 6), ("sok", None), ("ts", None)],
    },
    "macos": {
        # The label's flavor is longer than the API's 32 bytes: p0f's v3 API answers
        # "10.9 or newer (sometimes iPhone " with no terminating NUL.
        "p0f": "MacOS X 10.9 or newer (sometimes iPhone or iPad)",
        "sig": "*:64:0:*:65535,4:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0",
        "ttl": 64, "window": 65535,
        "options": [("mss", 1460), ("nop", None), ("ws", 4), ("nop", None), ("nop", None), ("ts", None),
                    ("sok", None), ("eol", 1)],
    },
    "macos-10": {
        "p0f": "Mac OS X 10.x",
        "sig": "*:64:0:*:65535,3:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0",
        "ttl": 64, "window": 65535,
        "options": [("mss", 1460), ("nop", None), ("ws", 3), ("nop", None), ("nop", None), ("ts", None),
                    ("sok", None), ("eol", 1)],
    },
    "linux": {
        "p0f": "Linux 3.11 and newer",
        "sig": "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0",
        "ttl": 64, "window": 1460 * 20,
        "options": [("mss", 1460), ("sok", None), ("ts", None), ("nop", None), ("ws", 7)],
    },
}

EXIT_USAGE = 2
EXIT_SEND_FAILED = 3


def tcp_options(options):
    out = b""
    for kind, value in options:
        if kind == "mss":
            out += struct.pack("!BBH", 2, 4, value)
        elif kind == "nop":
            out += b"\x01"
        elif kind == "ws":
            out += struct.pack("!BBB", 3, 3, value)
        elif kind == "sok":
            out += b"\x04\x02"
        elif kind == "ts":
            # Own timestamp non-zero, peer timestamp zero, as on any first SYN.
            out += struct.pack("!BBII", 8, 10, random.randint(1, 0xFFFFFFFF), 0)
        elif kind == "eol":
            out += b"\x00" + b"\x00" * value
        else:
            raise ValueError("unknown TCP option " + kind)
    if len(out) % 4:
        raise ValueError("TCP options must fill whole 32-bit words, got %d bytes" % len(out))
    return out


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def syn_packet(profile, source, destination, source_port, destination_port, ttl):
    options = tcp_options(profile["options"])
    tcp_length = 20 + len(options)
    data_offset = (tcp_length // 4) << 4
    seq = random.randint(1, 0xFFFFFFFF)
    tcp_header = struct.pack("!HHIIBBHHH", source_port, destination_port, seq, 0,
                             data_offset, 0x02, profile["window"], 0, 0) + options
    pseudo_header = source.packed + destination.packed + struct.pack("!BBH", 0, socket.IPPROTO_TCP, tcp_length)
    tcp_checksum = checksum(pseudo_header + tcp_header)
    tcp_header = tcp_header[:16] + struct.pack("!H", tcp_checksum) + tcp_header[18:]

    total_length = 20 + tcp_length
    ip_id = random.randint(1, 0xFFFF)
    flags_fragment = 0x4000  # DF
    ip_header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total_length, ip_id, flags_fragment, ttl,
                            socket.IPPROTO_TCP, 0, source.packed, destination.packed)
    ip_header = ip_header[:10] + struct.pack("!H", checksum(ip_header)) + ip_header[12:]
    return ip_header + tcp_header


def loopback_address(text, what):
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%s %r is not an IPv4 address" % (what, text))
    if not address.is_loopback:
        raise argparse.ArgumentTypeError("%s %s is not a loopback address (127.0.0.0/8); this tool only "
                                         "sends on loopback" % (what, address))
    return address


def port(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("port %r is not a number" % text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("port %d is not between 1 and 65535" % value)
    return value


def ttl(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("TTL %r is not a number" % text)
    if not 1 <= value <= 255:
        raise argparse.ArgumentTypeError("TTL %d is not between 1 and 255" % value)
    return value


def profile_list():
    width = max(len(name) for name in PROFILES)
    return "\n".join("  %-*s  p0f says %r  (TTL %d)" % (width, name, p["p0f"], p["ttl"])
                     for name, p in PROFILES.items())


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="craft-syn.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Send one TCP SYN over loopback shaped like another operating system, so that "
                    "p0f fingerprints SOURCE as that system. Needs root.",
        epilog="profiles:\n" + profile_list() + "\n\n"
               "A TTL below the profile's initial TTL makes p0f report a distance: windows-7 with "
               "--ttl 113 gives distance 15.\n"
               "exit codes: 0 sent, 2 usage error, 3 could not send (not root, no raw socket)")
    parser.add_argument("profile", metavar="PROFILE", choices=sorted(PROFILES),
                        help="operating system to look like: " + ", ".join(sorted(PROFILES)))
    parser.add_argument("source", metavar="SOURCE", type=lambda t: loopback_address(t, "source address"),
                        help="loopback source address, e.g. 127.0.0.77 (127.0.0.64-127 in this project's tests)")
    parser.add_argument("port", metavar="PORT", type=port, help="destination TCP port")
    parser.add_argument("--ttl", type=ttl, help="IP TTL as sent (default: the profile's initial TTL, distance 0)")
    parser.add_argument("--destination", default=ipaddress.IPv4Address("127.0.0.1"),
                        type=lambda t: loopback_address(t, "destination address"),
                        help="loopback destination address (default 127.0.0.1)")
    parser.add_argument("--source-port", type=port, help="TCP source port (default: random, 20000-60999)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_arguments(argv)
    profile = PROFILES[args.profile]
    sent_ttl = args.ttl if args.ttl is not None else profile["ttl"]
    source_port = args.source_port or random.randint(20000, 60999)
    packet = syn_packet(profile, args.source, args.destination, source_port, args.port, sent_ttl)
    if os.geteuid() != 0:
        print("craft-syn.py: needs root to open a raw socket (run it with sudo)", file=sys.stderr)
        return EXIT_SEND_FAILED
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as raw:
            raw.sendto(packet, (str(args.destination), 0))
    except OSError as e:
        print("craft-syn.py: cannot send the SYN from %s to %s:%d: %s"
              % (args.source, args.destination, args.port, e.strerror or e), file=sys.stderr)
        return EXIT_SEND_FAILED
    print("sent %s SYN %s:%d -> %s:%d ttl %d (p0f should say %r)"
          % (args.profile, args.source, source_port, args.destination, args.port, sent_ttl, profile["p0f"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
