#!/usr/bin/env python3
"""Send one mail over SMTP from a crafted SYN: craft-syn.py's SYN (any profile or p0f signature) opens a
real TCP connection to a real server, and the rest of that connection (handshake, data, close) is
done here, so that the server's kernel keeps (TCP_SAVE_SYN) and fingerprints a SYN shaped like another
system's while the SMTP session runs to its end.

    crafted-smtp.py PROFILE SOURCE PORT --destination IP --tun DEVICE [OPTIONS]
    crafted-smtp.py --sig SIG SOURCE PORT --destination IP --tun DEVICE [OPTIONS]

The packets travel through a TUN device: what this script writes to it arrives in the kernel as if
from a host on the device's link, and what the kernel sends to SOURCE comes back out of it to this
script. SOURCE is an address of that link that no interface holds, so no kernel socket exists on
the client side and nothing answers the server's packets with a reset: no firewall rule is needed.
Make the device once (root), then run clients against a server listening on its address:

    ip tuntap add dev smtp0 mode tun && ip addr add 198.18.112.1/24 dev smtp0 && ip link set smtp0 up
    crafted-smtp.py windows-10 198.18.112.77 25 --destination 198.18.112.1 --tun smtp0
    ip link del smtp0                  # when done

One client at a time per device: a TUN device has one reader, and a second client waits for it (up
to --timeout). Only the device's own link is reachable; IPv6 works the same way (the device needs
an IPv6 address added with `nodad`).

TCP is minimal but honest: segments in order only (an out-of-order one is dropped and the
position acknowledged again, so the server retransmits; the new part of a repeated one is kept), every segment acknowledged, the SYN
retransmitted after 1 s and data after 0.5 s (doubling, at most 4 s), the window scale and
timestamps used when both sides offered them, FIN in both directions. Each wait (the SYN-ACK, a
reply, the close) ends after --timeout seconds with an error, so a loaded machine slows it down and
a dead server ends it.

SMTP: EHLO, MAIL FROM, RCPT TO (every --to), DATA with a small message (Date, From, To, Subject,
Message-ID), QUIT; a 4xx or 5xx reply before DATA goes straight to QUIT, as a real client does.
Output: one line per command (`C: ...`) and reply line (`S: ...`), then `closed` once the connection
is closed both ways.

Exit codes: 0 the session ran to QUIT and closed (whatever the server replied), 2 usage error, 3
cannot use the TUN device (not root, no such device, busy past --timeout), 4 no connection (no
SYN-ACK, or a reset), 5 the connection broke or timed out mid-session.
"""

import errno
import fcntl
import importlib.util
import os
import select
import struct
import sys
import time
import uuid
from email.utils import formatdate

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import p0f_syn  # noqa: E402  (the library next to this script)

_spec = importlib.util.spec_from_file_location("craft_syn", os.path.join(HERE, "craft-syn.py"))
craft_syn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(craft_syn)

EXIT_USAGE, EXIT_TUN, EXIT_NO_CONNECTION, EXIT_BROKEN = 2, 3, 4, 5
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
SYN_RTO, DATA_RTO, MAX_RTO = 1.0, 0.5, 4.0


class NoConnection(Exception):
    pass


class Broken(Exception):
    pass


class Tun:
    """The TUN device's one queue, attached for this run (waits while another client holds it)."""

    def __init__(self, name, timeout):
        if not os.path.exists("/sys/class/net/%s/tun_flags" % name):
            # TUNSETIFF would make a new device of that name, down and on no link.
            raise OSError(errno.ENODEV, "no such TUN device (make it with ip tuntap add dev %s mode tun, give it "
                                        "an address and set it up)" % name)
        deadline = time.monotonic() + timeout
        while True:
            self.fd = os.open("/dev/net/tun", os.O_RDWR)
            try:
                fcntl.ioctl(self.fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
                return
            except OSError as e:
                os.close(self.fd)
                if e.errno != errno.EBUSY or time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        return os.read(self.fd, 65535) if ready else None

    def write(self, packet):
        os.write(self.fd, packet)

    def close(self):
        os.close(self.fd)


class Segment:
    """The fields of one received TCP segment this client uses; None for anything else."""

    @staticmethod
    def parse(packet):
        if len(packet) < 20:
            return None
        if packet[0] >> 4 == 4:
            header, protocol, length = (packet[0] & 0x0F) * 4, packet[9], struct.unpack("!H", packet[2:4])[0]
            source, destination = packet[12:16], packet[16:20]
        elif packet[0] >> 4 == 6 and len(packet) >= 40:
            header, protocol, length = 40, packet[6], 40 + struct.unpack("!H", packet[4:6])[0]
            source, destination = packet[8:24], packet[24:40]
        else:
            return None
        if protocol != 6 or len(packet) < header + 20:
            return None
        segment = Segment()
        tcp = packet[header:length]
        segment.source, segment.destination = source, destination
        (segment.source_port, segment.destination_port, segment.seq, segment.ack, offset, segment.flags,
         segment.window) = struct.unpack("!HHIIBBH", tcp[:16])
        segment.options = tcp_options(tcp[20:(offset >> 4) * 4])
        segment.payload = tcp[(offset >> 4) * 4:]
        return segment


def tcp_options(data):
    """mss, ws and ts (a (value, echo) pair) of a TCP header's options."""
    found, i = {}, 0
    while i < len(data) and data[i] != 0:
        if data[i] == 1:
            i += 1
            continue
        if i + 1 >= len(data) or data[i + 1] < 2:
            break
        kind, body = data[i], data[i + 2:i + data[i + 1]]
        if kind == 2 and len(body) == 2:
            found["mss"] = struct.unpack("!H", body)[0]
        elif kind == 3 and len(body) == 1:
            found["ws"] = body[0]
        elif kind == 8 and len(body) == 8:
            found["ts"] = struct.unpack("!II", body)
        i += data[i + 1]
    return found


class Connection:
    """The client's side of one TCP connection, begun by a crafted SYN (IP header onward)."""

    def __init__(self, tun, syn, timeout, drop_sent=(), drop_received=()):
        self.tun, self.syn, self.timeout = tun, syn, timeout
        self.drop_sent, self.drop_received = set(drop_sent), set(drop_received)
        self.packets_sent = self.packets_received = 0
        self.ipv6 = syn[0] >> 4 == 6
        first = Segment.parse(syn)
        if first is None:
            raise ValueError("the crafted packet is not a TCP segment")
        self.source, self.destination = first.source, first.destination
        self.source_port, self.destination_port = first.source_port, first.destination_port
        self.iss, self.syn_options = first.seq, first.options
        self.ttl = syn[7] if self.ipv6 else syn[8]
        self.df = not self.ipv6 and bool(struct.unpack("!H", syn[6:8])[0] & 0x4000)
        self.ip_id = 0 if self.ipv6 else struct.unpack("!H", syn[4:6])[0]
        self.started = time.monotonic()
        self.snd_una = self.snd_nxt = (self.iss + 1) & 0xFFFFFFFF
        self.unacked = b""          # sent, not acknowledged yet, from snd_una
        self.rcv_nxt = None
        self.received = bytearray()
        self.peer_fin = False
        self.timestamps, self.scaled, self.peer_mss, self.peer_ts = False, False, 536, 0

    def open(self):
        rto, deadline = SYN_RTO, time.monotonic() + self.timeout
        while True:
            self._write(self.syn)
            resend = min(deadline, time.monotonic() + rto)
            while time.monotonic() < resend:
                segment = self._next(resend)
                if segment is None:
                    continue
                if segment.flags & RST:
                    raise NoConnection("the server reset the connection (nothing listens on port %d?)"
                                       % self.destination_port)
                if segment.flags & (SYN | ACK) == SYN | ACK and segment.ack == self.snd_nxt:
                    self._established(segment)
                    return
            if time.monotonic() >= deadline:
                raise NoConnection("no SYN-ACK within %g s" % self.timeout)
            rto = min(rto * 2, MAX_RTO)

    def _established(self, syn_ack):
        self.rcv_nxt = (syn_ack.seq + 1) & 0xFFFFFFFF
        self.timestamps = "ts" in self.syn_options and "ts" in syn_ack.options
        self.scaled = "ws" in self.syn_options and "ws" in syn_ack.options
        self.peer_mss = syn_ack.options.get("mss", 536)
        if self.timestamps:
            self.peer_ts = syn_ack.options["ts"][0]
        self._send(ACK)

    def send(self, data):
        """Queues data and sends it; the waits that follow retransmit it until it is acknowledged."""
        self.unacked += data
        self._transmit(data, self.snd_nxt)
        self.snd_nxt = (self.snd_nxt + len(data)) & 0xFFFFFFFF

    def wait(self, done, what):
        """Handles segments until done() is true, retransmitting what is unacknowledged."""
        deadline, rto = time.monotonic() + self.timeout, DATA_RTO
        resend = time.monotonic() + rto
        while not done():
            now = time.monotonic()
            if now >= deadline:
                raise Broken("no %s within %g s" % (what, self.timeout))
            if now >= resend:
                if self.unacked or self._fin_unacked():
                    self._retransmit()
                    rto = min(rto * 2, MAX_RTO)
                resend = now + rto
            segment = self._next(min(deadline, resend))
            if segment is not None:
                self._handle(segment)

    def close(self):
        """Sends FIN once everything is acknowledged; waits for the server's FIN and our FIN's ACK."""
        self.wait(lambda: not self.unacked, "acknowledgement of the data")
        self._send(FIN | ACK)
        self.snd_nxt = (self.snd_nxt + 1) & 0xFFFFFFFF
        self.wait(lambda: self.peer_fin and not self._fin_unacked(), "close by the server")

    def _fin_unacked(self):
        return self.snd_una != self.snd_nxt and not self.unacked

    def _handle(self, segment):
        if segment.flags & RST:
            raise Broken("the server reset the connection")
        if segment.flags & SYN:  # our ACK of its SYN-ACK was lost: it sends the SYN-ACK again
            self._send(ACK)
            return
        if segment.flags & ACK:
            self._acknowledged(segment.ack)
        if self.timestamps and "ts" in segment.options:
            self.peer_ts = segment.options["ts"][0]
        if not segment.payload and not segment.flags & FIN:
            return
        already = (self.rcv_nxt - segment.seq) & 0xFFFFFFFF  # bytes of it received before, if it starts behind
        if already <= len(segment.payload) and not self.peer_fin:
            self.received += segment.payload[already:]
            self.rcv_nxt = (self.rcv_nxt + len(segment.payload) - already) & 0xFFFFFFFF
            if segment.flags & FIN:
                self.peer_fin = True
                self.rcv_nxt = (self.rcv_nxt + 1) & 0xFFFFFFFF
        self._send(ACK)  # new, repeated or out of order: says where we are

    def _acknowledged(self, ack):
        acked = (ack - self.snd_una) & 0xFFFFFFFF
        if 0 < acked <= (self.snd_nxt - self.snd_una) & 0xFFFFFFFF:
            self.unacked = self.unacked[acked:]
            self.snd_una = ack

    def _retransmit(self):
        if self.unacked:
            self._transmit(self.unacked, self.snd_una)
        else:
            self._send(FIN | ACK, seq=self.snd_una)

    def _transmit(self, data, seq):
        size = max(1, min(self.peer_mss, 1400))
        for offset in range(0, len(data), size):
            self._send(PSH | ACK, data[offset:offset + size], (seq + offset) & 0xFFFFFFFF)

    def _next(self, until):
        """The next segment of this connection that arrives before `until`, or None."""
        packet = self.tun.read(until - time.monotonic())
        if packet is None:
            return None
        segment = Segment.parse(packet)
        if segment is None or (segment.source, segment.destination, segment.source_port, segment.destination_port) \
                != (self.destination, self.source, self.destination_port, self.source_port):
            return None
        self.packets_received += 1
        return None if self.packets_received in self.drop_received else segment

    def _send(self, flags, payload=b"", seq=None):
        options = b""
        if self.timestamps:
            own = (self.syn_options["ts"][0] + int((time.monotonic() - self.started) * 1000)) & 0xFFFFFFFF
            options = b"\x01\x01\x08\x0a" + struct.pack("!II", own, self.peer_ts)
        window = min(65535, (1 << 16) >> min(self.syn_options.get("ws", 0), 14)) if self.scaled else 65535
        tcp = struct.pack("!HHIIBBHHH", self.source_port, self.destination_port,
                          self.snd_nxt if seq is None else seq, self.rcv_nxt, (20 + len(options)) // 4 << 4,
                          flags, window, 0, 0) + options + payload
        if self.ipv6:
            pseudo = self.source + self.destination + struct.pack("!IxxxB", len(tcp), 6)
            header = struct.pack("!IHBB", 6 << 28, len(tcp), 6, self.ttl) + self.source + self.destination
        else:
            pseudo = self.source + self.destination + struct.pack("!xBH", 6, len(tcp))
            self.ip_id = (self.ip_id + 1) & 0xFFFF
            header = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(tcp), self.ip_id, 0x4000 if self.df else 0,
                                 self.ttl, 6, 0) + self.source + self.destination
            header = header[:10] + struct.pack("!H", p0f_syn.checksum(header)) + header[12:]
        tcp = tcp[:16] + struct.pack("!H", p0f_syn.checksum(pseudo + tcp)) + tcp[18:]
        self._write(header + tcp)

    def _write(self, packet):
        self.packets_sent += 1
        if self.packets_sent not in self.drop_sent:  # --drop-sent: lost on purpose, to exercise the retransmissions
            self.tun.write(packet)


class SmtpSession:
    """One mail, with the replies printed as they come."""

    def __init__(self, connection):
        self.connection = connection

    def reply(self):
        """The next complete reply's code (its lines printed); 0 if the server closed instead."""
        received = self.connection.received
        while True:
            end = received.find(b"\r\n")
            if end < 0:
                if self.connection.peer_fin:
                    return 0
                self.connection.wait(lambda: b"\r\n" in received or self.connection.peer_fin, "reply")
                continue
            line = received[:end].decode("utf-8", "replace")
            del received[:end + 2]
            print("S: " + line, flush=True)
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]) if line[:3].isdigit() else 0

    def command(self, line):
        print("C: " + line, flush=True)
        self.connection.send(line.encode() + b"\r\n")
        return self.reply()

    def send_mail(self, helo, sender, recipients, subject):
        if self.reply() // 100 == 2 and self.command("EHLO " + helo) // 100 == 2 \
                and self.command("MAIL FROM:<%s>" % sender) // 100 == 2:
            accepted = [to for to in recipients if self.command("RCPT TO:<%s>" % to) // 100 == 2]
            if accepted and self.command("DATA") == 354:
                print("C: (message)", flush=True)
                self.connection.send(message(sender, accepted, subject))
                self.reply()
        if not self.connection.peer_fin:
            self.command("QUIT")


def message(sender, recipients, subject):
    lines = ["Date: " + formatdate(), "From: <%s>" % sender, "To: " + ", ".join("<%s>" % to for to in recipients),
             "Subject: " + subject, "Message-ID: <%s@crafted-smtp>" % uuid.uuid4(), "",
             "Sent by contrib/tools/crafted-smtp.py from a crafted SYN.", "."]
    return "\r\n".join(lines).encode() + b"\r\n"


def argument_parser():
    parser = craft_syn.Parser(prog="crafted-smtp.py", formatter_class=craft_syn.argparse.RawDescriptionHelpFormatter,
                              description=__doc__.split("\n\n")[0], epilog=craft_syn.profiles_epilog()
                              + "\n\nSee the top of this script for the TUN device, TCP and exit codes.")
    craft_syn.syn_arguments(parser, "PROFILE SOURCE PORT")
    parser.add_argument("--tun", required=True, help="the TUN device whose link SOURCE is on")
    parser.add_argument("--helo", default="crafted.example", help="EHLO name (default crafted.example)")
    parser.add_argument("--from", dest="sender", default="sender@crafted.example", help="MAIL FROM address")
    parser.add_argument("--to", action="append", help="RCPT TO address (repeatable; default postmaster@localhost)")
    parser.add_argument("--subject", default="crafted SYN", help="the message's subject")
    parser.add_argument("--drop-sent", type=numbers, default=(), metavar="N,N...",
                        help="for tests: lose the connection's Nth packets sent (1 is the SYN), to exercise the "
                             "retransmissions")
    parser.add_argument("--drop-received", type=numbers, default=(), metavar="N,N...",
                        help="for tests: ignore the connection's Nth packets received (1 is the SYN-ACK)")
    parser.add_argument("--timeout", type=craft_syn.number(1, 600, "timeout"), default=10,
                        help="seconds each wait may take (SYN-ACK, a reply, the close; default 10)")
    return parser


def numbers(text):
    try:
        return [int(n) for n in text.split(",")]
    except ValueError:
        raise craft_syn.argparse.ArgumentTypeError("%r is not a list of packet numbers such as 1,4" % text)


def main(argv):
    try:
        args = argument_parser().parse_args(argv)
        if args.destination is None:
            raise craft_syn.UsageError("give --destination: the server's address on the TUN device's link")
        args.hex = False
        syn = craft_syn.Syn(args, loopback_only=False)
    except craft_syn.UsageError as e:
        print("crafted-smtp.py: %s (see --help)" % e, file=sys.stderr)
        return EXIT_USAGE
    try:
        tun = Tun(args.tun, args.timeout)
    except OSError as e:
        print("crafted-smtp.py: cannot use TUN device %s: %s" % (args.tun, e.strerror or e), file=sys.stderr)
        return EXIT_TUN
    try:
        connection = Connection(tun, syn.packet, args.timeout, args.drop_sent, args.drop_received)
        print(syn.report(), flush=True)
        connection.open()
        SmtpSession(connection).send_mail(args.helo, args.sender, args.to or ["postmaster@localhost"], args.subject)
        connection.close()
        print("closed", flush=True)
        return 0
    except NoConnection as e:
        print("crafted-smtp.py: no connection to %s port %d: %s" % (args.destination, syn.port, e), file=sys.stderr)
        return EXIT_NO_CONNECTION
    except Broken as e:
        print("crafted-smtp.py: connection to %s port %d broken: %s" % (args.destination, syn.port, e),
              file=sys.stderr)
        return EXIT_BROKEN
    except OSError as e:  # a write to a device that went down, or was deleted meanwhile
        print("crafted-smtp.py: TUN device %s: %s (is it up?)" % (args.tun, e.strerror or e), file=sys.stderr)
        return EXIT_TUN
    finally:
        tun.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
