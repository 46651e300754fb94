#!/usr/bin/env python3
"""SMTP clients for tests that run them inside a network namespace of their own
(ip netns exec NAMESPACE python3 smtp-client.py ...), where the test's JVM cannot open sockets.

  smtp-client.py mail SOURCE HOST PORT SENDER RECIPIENT < MESSAGE
      Python's own SMTP client (smtplib) from SOURCE: EHLO, MAIL, RCPT, DATA of the message read
      from stdin, QUIT; it stops at the first reply that is not positive.
  smtp-client.py early SOURCE HOST PORT REPLIES < BYTES
      writes BYTES in one segment as soon as it is connected, before the banner (an early
      talker), then reads REPLIES replies, or until the server closes.

Prints one line per reply, the banner first: CODE TEXT (the lines of a multi-line reply joined by
' / '). Exit status 0 once connected, 1 when the connection failed (the reason on stderr).
"""

import smtplib
import socket
import sys

TIMEOUT = 30


def show(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    print("%d %s" % (code, " / ".join(text.splitlines())), flush=True)


def mail(source, host, port, sender, recipient):
    message = sys.stdin.read()
    smtp = smtplib.SMTP(source_address=(source, 0), timeout=TIMEOUT)
    show(*smtp.connect(host, port))
    try:
        for command, call in (("EHLO", lambda: smtp.ehlo("client.example")),
                              ("MAIL", lambda: smtp.mail(sender)),
                              ("RCPT", lambda: smtp.rcpt(recipient)),
                              ("DATA", lambda: smtp.data(message))):
            code, text = call()
            show(code, text)
            if code >= 400:
                break
    finally:
        try:
            show(*smtp.docmd("QUIT"))
        except (smtplib.SMTPException, OSError):
            pass
        smtp.close()


def early(source, host, port, replies):
    data = sys.stdin.buffer.read()
    with socket.create_connection((host, port), timeout=TIMEOUT, source_address=(source, 0)) as sock:
        sock.sendall(data)
        received = b""
        lines = []
        while replies > 0:
            while b"\r\n" not in received:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                received += chunk
            line, received = received.split(b"\r\n", 1)
            lines.append(line.decode("utf-8", "replace"))
            if len(line) < 4 or line[3:4] != b"-":
                show(int(lines[0][:3]), "\n".join(text[4:] for text in lines))
                lines = []
                replies -= 1


def main(argv):
    try:
        if len(argv) == 6 and argv[0] == "mail":
            mail(argv[1], argv[2], int(argv[3]), argv[4], argv[5])
        elif len(argv) == 5 and argv[0] == "early":
            early(argv[1], argv[2], int(argv[3]), int(argv[4]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (OSError, smtplib.SMTPException) as e:
        print("smtp-client.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
