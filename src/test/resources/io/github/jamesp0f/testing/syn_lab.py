#!/usr/bin/env python3
"""The oracle suite's hands inside its network namespaces (run with `ip netns exec NS`):

    syn_lab.py send                 SYNs as hex lines on stdin (IP header onward), sent on `lo`
                                    through an AF_PACKET socket, exactly as given; prints "sent N"
    syn_lab.py listen PORT          IPv4 and IPv6 listeners with TCP_SAVE_SYN; for each connection
                                    accepted prints "PEER HEX", the kernel's saved SYN; ends when
                                    stdin closes
    syn_lab.py connect SOURCE DESTINATION PORT [--sysctl KEY=VALUE]... [--rcvbuf BYTES]
                                    sets the sysctls (of this namespace), connects from SOURCE,
                                    prints "connected", closes, and sets the sysctls back

Python 3 standard library only; needs root (packet socket, sysctls).
"""

import argparse
import select
import socket
import sys
import time

TCP_SAVE_SYN = 27
TCP_SAVED_SYN = 28


def send():
    sender = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sender.bind(("lo", 0))
    count = 0
    for line in sys.stdin:
        packet = bytes.fromhex(line.strip())
        ethertype = b"\x08\x00" if packet[0] >> 4 == 4 else b"\x86\xdd"
        sender.send(b"\0" * 12 + ethertype + packet)
        count += 1
        if count % 100 == 0:
            time.sleep(0.005)  # p0f reads the capture in batches; do not overrun its buffer
    print("sent %d" % count, flush=True)


def listen(port):
    listeners = []
    for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listener.setsockopt(socket.IPPROTO_TCP, TCP_SAVE_SYN, 1)
        listener.bind((address, port))
        listener.listen(64)
        listeners.append(listener)
    print("listening", flush=True)
    while True:
        ready, _, _ = select.select(listeners + [sys.stdin], [], [])
        for source in ready:
            if source is sys.stdin:
                if not sys.stdin.readline():
                    return
                continue
            connection, peer = source.accept()
            saved = connection.getsockopt(socket.IPPROTO_TCP, TCP_SAVED_SYN, 512)
            print("%s %s" % (peer[0], saved.hex()), flush=True)
            connection.close()


def write_sysctl(key, value):
    path = "/proc/sys/" + key.replace(".", "/")
    with open(path) as knob:
        previous = knob.read().strip()
    with open(path, "w") as knob:
        knob.write(value)
    return previous


def connect(source, destination, port, sysctls, rcvbuf):
    previous = {}
    try:
        for setting in sysctls:
            key, value = setting.split("=", 1)
            previous[key] = write_sysctl(key, value)
        family = socket.AF_INET6 if ":" in destination else socket.AF_INET
        client = socket.socket(family, socket.SOCK_STREAM)
        if rcvbuf:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        client.bind((source, 0))
        client.settimeout(5)
        client.connect((destination, port))
        print("connected", flush=True)
        client.close()
    finally:
        for key, value in previous.items():
            write_sysctl(key, value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("send")
    listening = commands.add_parser("listen")
    listening.add_argument("port", type=int)
    connecting = commands.add_parser("connect")
    connecting.add_argument("source")
    connecting.add_argument("destination")
    connecting.add_argument("port", type=int)
    connecting.add_argument("--sysctl", action="append", default=[])
    connecting.add_argument("--rcvbuf", type=int, default=0)
    args = parser.parse_args()
    if args.command == "send":
        send()
    elif args.command == "listen":
        listen(args.port)
    else:
        connect(args.source, args.destination, args.port, args.sysctl, args.rcvbuf)


if __name__ == "__main__":
    main()
