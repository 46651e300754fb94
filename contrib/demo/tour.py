#!/usr/bin/env python3
"""The scripted tour of the james-p0f demo (started by run.sh, which has p0f and James running).

SMTP conversations from loopback addresses that p0f sees as different systems (with
--exempt-server, also a Windows mail server whose confirmed host name exempts it from
greylisting), then the delivered mail's headers read back over IMAP, then what James's webadmin
says about p0f. Prints a
short transcript; exits 0 when every step went as expected, 1 otherwise. Python 3 standard
library only; needs root for the crafted SYNs (craft-syn.py).

With --tun DEVICE (run.sh --source kernel: no p0f, James reads the kernel's saved SYN) the Windows
and FreeBSD clients are crafted SYNs that complete their SMTP sessions through crafted-smtp.py, from
addresses of the demo's TUN link (James listens on --link-server there too).

With --mail-without-p0f SOURCE (run.sh --keep-running, once p0f has died): one mail from SOURCE,
which must be accepted and delivered without X-P0F headers, and what webadmin says about p0f.

With --client-netns (run.sh --behind-proxy): the same tour through the edge of
contrib/tools/edge-lab.sh. The clients are in that network namespace (their SMTP sockets are made
there, the crafted SYNs go out on its link), they connect to HAProxy (--smtp-host), and each
--node IMAP:WEBADMIN is a James node behind it, whose mail and status are read back; each
session says which node took it (the node's name in its banner).
"""

import argparse
import contextlib
import ctypes
import imaplib
import json
import os
import platform
import re
import smtplib
import subprocess
import sys
import time
import urllib.request

RECIPIENT = "demo@localhost"
# The clients' addresses on loopback; behind the proxy, the same hosts of --client-net.
WINDOWS = "127.0.0.77"
FREEBSD = "127.0.0.78"
LINUX = "127.0.0.1"
# What p0f says with contrib/p0f/p0f.fp (run.sh loads it): a Linux of 4.19 or newer over loopback
# (over a veth, behind the proxy, without "(loopback)"), and the crafted Windows 10/11 SYN.
MODERN_KERNEL = tuple(int(part) for part in platform.release().split("-")[0].split(".")[:2]) >= (4, 19)
LINUX_LABEL = "Linux 4.19 and newer (loopback)" if MODERN_KERNEL else "Linux"
WINDOWS_LABEL = "Windows 10 or 11 (or Server 2016+)"
CLONE_NEWNET = 0x40000000
# Behind the proxy, which node's mailbox held a mail: noted with its headers under this name.
DELIVERED_BY = "(node)"

failures = []


def step(title):
    print()
    print("== " + title)


def note(text):
    print("   " + text)


def check(ok, what):
    note(("ok: " if ok else "UNEXPECTED: ") + what)
    if not ok:
        failures.append(what)


def reply_text(reply):
    code, message = reply
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return "%s %s" % (code, " / ".join(text.splitlines()))


class ClientNamespace:
    """Sockets made inside `with` belong to network namespace `name` (setns(2) moves this thread only)."""

    def __init__(self, name):
        self.name = name
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.home = None

    def _enter(self, fd):
        if self.libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns into the client namespace %s failed" % self.name)

    def __enter__(self):
        self.home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + self.name, os.O_RDONLY)
        try:
            self._enter(target)
        finally:
            os.close(target)
        return self

    def __exit__(self, *exc):
        self._enter(self.home)
        os.close(self.home)


def client_side(args):
    return ClientNamespace(args.client_netns) if args.client_netns else contextlib.nullcontext()


def craft(args, profile, source):
    command = [sys.executable, args.craft_syn, profile, source, str(args.syn_port)]
    if args.client_netns:
        command = ["ip", "netns", "exec", args.client_netns] + command + [
            "--interface", args.client_link, "--destination", args.smtp_host]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        check(False, "craft-syn.py %s %s failed: %s" % (profile, source, result.stderr.strip()))
        return
    note("p0f sees a crafted SYN: " + result.stdout.strip())
    # p0f buffers capture for a few milliseconds before it knows the host.
    time.sleep(0.3)


def crafted_conversation(args, profile, source, subject):
    """One SMTP session from a crafted SYN over the TUN link (crafted-smtp.py); the replies to MAIL, RCPT and DATA."""
    result = subprocess.run([sys.executable, args.crafted_smtp, profile, source, str(args.smtp_port), "--tun", args.tun,
                             "--destination", args.link_server, "--helo", "client.example", "--from",
                             "someone@example.org", "--to", RECIPIENT, "--subject", subject],
                            capture_output=True, text=True)
    replies = {"MAIL": None, "RCPT": None, "DATA": None}
    command = "connect from " + source
    for line in result.stdout.splitlines():
        if line.startswith("sent SYN"):
            note("the kernel keeps a crafted SYN: " + line)
        elif line.startswith("C: "):
            command = line[3:]
        elif line.startswith("S: ") and line[6:7] != "-":
            note("C: %s   S: %s" % (command, line[3:]))
            key = {"MAIL": "MAIL", "RCPT": "RCPT", "(mes": "DATA"}.get(command[:4])
            if key:
                replies[key] = (int(line[3:6]), line[7:])
    if result.returncode != 0:
        check(False, "crafted-smtp.py %s %s failed: %s" % (profile, source, result.stderr.strip()))
    return replies


def client(args, profile, source, subject):
    """A session from a client of another system: a crafted SYN p0f sees, or (kernel source) one James's kernel keeps."""
    if args.tun:
        return crafted_conversation(args, profile, source, subject)
    craft(args, profile, source)
    return conversation(args, source, subject)


def conversation(args, source, subject, extra_headers=""):
    """One SMTP session from `source`; returns the replies to MAIL, RCPT and DATA (None if not reached)."""
    replies = {"MAIL": None, "RCPT": None, "DATA": None}
    smtp = smtplib.SMTP(source_address=(source, 0), timeout=30)
    try:
        with client_side(args):
            greeting = smtp.connect(args.smtp_host, args.smtp_port)
        note("C: connect from %s   S: %s" % (source, reply_text(greeting)))
        node = re.search(r"node \d+", reply_text(greeting))
        if args.client_netns:
            note("   (HAProxy passed this connection to %s)" % (node.group(0) if node else "an unknown node"))
        smtp.ehlo("client.example")
        replies["MAIL"] = smtp.mail("someone@example.org")
        note("C: MAIL FROM:<someone@example.org>   S: " + reply_text(replies["MAIL"]))
        if replies["MAIL"][0] != 250:
            return replies
        replies["RCPT"] = smtp.rcpt(RECIPIENT)
        note("C: RCPT TO:<%s>   S: %s" % (RECIPIENT, reply_text(replies["RCPT"])))
        if replies["RCPT"][0] != 250:
            return replies
        message = ("From: someone@example.org\r\nTo: %s\r\nSubject: %s\r\n%s\r\nHello from %s.\r\n"
                   % (RECIPIENT, subject, extra_headers, source))
        replies["DATA"] = smtp.data(message)
        note("C: DATA (%s)   S: %s" % (subject, reply_text(replies["DATA"])))
        return replies
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass


def code(reply):
    return reply[0] if reply else None


def delivered_headers(args):
    """Subject -> list of (name, value) of every mail in the INBOX of every node (one without the proxy)."""
    mails = {}
    for number, (imap_port, _) in enumerate(nodes(args), 1):
        for subject, headers in node_headers(args, imap_port).items():
            mails[subject] = headers + ([(DELIVERED_BY, str(number))] if args.client_netns else [])
    return mails


def nodes(args):
    """(IMAP port, webadmin port) of each James."""
    if not args.node:
        return [(args.imap_port, args.webadmin_port)]
    return [tuple(int(port) for port in node.split(":")) for node in args.node]


def node_headers(args, imap_port):
    imap = imaplib.IMAP4("127.0.0.1", imap_port)
    try:
        imap.login(args.user, args.password)
        _, data = imap.select("INBOX", readonly=True)
        count = int(data[0])
        mails = {}
        for number in range(1, count + 1):
            _, fetched = imap.fetch(str(number), "(BODY.PEEK[HEADER])")
            raw = fetched[0][1].decode("utf-8", "replace")
            headers = []
            for line in raw.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n"):
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers.append((name.strip(), value.strip()))
            subject = next((v for n, v in headers if n.lower() == "subject"), "?")
            mails[subject] = headers
        return mails
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def p0f_headers(headers):
    return [(n, v) for n, v in headers if n.lower().startswith("x-p0f")]


def wait_for_mail(args, subjects, seconds=15):
    deadline = time.time() + seconds
    mails = {}
    while time.time() < deadline:
        mails = delivered_headers(args)
        if all(subject in mails for subject in subjects):
            break
        time.sleep(0.5)
    return mails


def mail_without_p0f(args):
    """p0f is gone: one mail still goes through, delivered without fingerprint headers."""
    subject = "Sent while p0f was stopped, " + time.strftime("%H:%M:%S")
    note("Showing it: one mail from %s (a real connection p0f would fingerprint)" % args.mail_without_p0f)
    try:
        replies = conversation(args, args.mail_without_p0f, subject)
        if code(replies["DATA"]) != 250:
            check(False, "mail without p0f was not accepted")
            return 1
        headers = wait_for_mail(args, [subject]).get(subject)
        if headers is None:
            check(False, "mail without p0f was accepted but not delivered within 15 s")
            return 1
        stamped = p0f_headers(headers)
        check(not stamped, "accepted and delivered without X-P0F headers" if not stamped
              else "delivered with p0f headers although p0f is gone: %s" % stamped)
        show_p0f_status(args)
    except (OSError, smtplib.SMTPException, imaplib.IMAP4.error) as e:
        check(False, "James did not answer: %s" % e)
    return 1 if failures else 0


def show_p0f_status(args, webadmin_port=None):
    """What webadmin's p0f route says, in one line per p0f client."""
    port = webadmin_port or args.webadmin_port
    with urllib.request.urlopen("http://127.0.0.1:%d/p0f/status" % port, timeout=10) as response:
        status = json.load(response)
    note("GET /p0f/status -> status %s" % status.get("status"))
    for daemon in status.get("clients", []):
        note("    %s: %s since %s, %d connection(s), %d cached" % (
            daemon["endpoint"], daemon["state"], daemon["since"], daemon["openConnections"],
            daemon["cacheSize"]))
    for kernel in status.get("kernelSources", []):
        note("    kernel source, %s: %s" % (kernel["database"], ", ".join(
            "%s %s" % socket for socket in sorted(kernel["sockets"].items()))))
    lookups = status.get("lookups")
    if lookups:
        note("    lookups: daemon %d, kernel %d, no saved SYN %d" % (lookups["daemon"], lookups["kernel"],
                                                                  lookups["kernelNoSyn"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smtp-port", type=int, default=2525)
    parser.add_argument("--imap-port", type=int, default=1143)
    parser.add_argument("--webadmin-port", type=int, default=8000)
    parser.add_argument("--syn-port", type=int, default=2599)
    parser.add_argument("--user", default=RECIPIENT)
    parser.add_argument("--password", default="demo")
    parser.add_argument("--block-time", type=float, default=5)
    parser.add_argument("--craft-syn", help="craft-syn.py (the tour sends crafted SYNs with it)")
    parser.add_argument("--exempt-server", metavar="SOURCE",
                        help="a Windows mail server whose confirmed host name (--exempt-name) is exempt from greylisting")
    parser.add_argument("--exempt-name", help="the host name James's DNS gives --exempt-server (PTR and A)")
    parser.add_argument("--tun", metavar="DEVICE", help="kernel source: the TUN link the crafted clients come from")
    parser.add_argument("--link-server", metavar="ADDRESS", help="kernel source: James's address on that link")
    parser.add_argument("--crafted-smtp", help="kernel source: crafted-smtp.py, for the crafted clients' sessions")
    parser.add_argument("--mail-without-p0f", metavar="SOURCE",
                        help="instead of the tour: one mail from SOURCE, delivered without X-P0F headers (p0f is gone)")
    parser.add_argument("--smtp-host", default="127.0.0.1", help="where clients connect (behind the proxy: HAProxy)")
    parser.add_argument("--client-netns", metavar="NAME", help="the clients' network namespace (behind the proxy)")
    parser.add_argument("--client-link", metavar="IF", help="its link to the edge, for the crafted SYNs")
    parser.add_argument("--client-net", metavar="A.B.C", help="the clients' /24: Linux .10, Windows .77, FreeBSD .78")
    parser.add_argument("--node", action="append", metavar="IMAP:WEBADMIN",
                        help="a James node's IMAP and webadmin ports on 127.0.0.1 (repeat for each node)")
    args = parser.parse_args()
    if args.client_net:
        global LINUX, WINDOWS, FREEBSD, LINUX_LABEL
        LINUX, WINDOWS, FREEBSD = (args.client_net + ".10", args.client_net + ".77", args.client_net + ".78")
        # A real link between namespaces: no "(loopback)".
        LINUX_LABEL = "Linux 4.19 and newer" if MODERN_KERNEL else "Linux"
    if args.mail_without_p0f:
        return mail_without_p0f(args)
    if not (args.craft_syn or (args.tun and args.link_server and args.crafted_smtp)):
        parser.error("the tour needs --craft-syn (p0f), or --tun, --link-server and --crafted-smtp (kernel source)")
    return tour(args)


def tour(args):
    windows, freebsd = WINDOWS, FREEBSD
    if args.tun:
        prefix = args.link_server.rsplit(".", 1)[0]
        windows, freebsd = prefix + ".77", prefix + ".78"

    seen_by = "whose SYN the kernel keeps" if args.tun else "p0f fingerprints"
    step("1. A Linux client (%s, a real connection %s) sends a mail" % (LINUX, seen_by))
    replies = conversation(args, LINUX, "1 Linux")
    check(code(replies["DATA"]) == 250, "accepted")

    step("2. A Windows 10/11 client (%s, no host name in DNS) is greylisted, then accepted on retry" % windows)
    replies = client(args, "windows-10", windows, "2 Windows")
    check(code(replies["RCPT"]) == 451, "deferred with 451 at RCPT (greylisted: Windows, first attempt)")
    note("... waiting %g s (the demo's block time), as a real mail server would before retrying" % args.block_time)
    time.sleep(args.block_time + 0.5)
    replies = client(args, "windows-10", windows, "2 Windows")
    check(code(replies["DATA"]) == 250, "accepted on retry")

    expected = ["1 Linux", "2 Windows", "5 Forged"]
    if args.exempt_server:
        step("3. A Windows mail server (%s, %s in DNS, both ways) is accepted at once"
             % (args.exempt_server, args.exempt_name))
        note("Windows Server 2016 and newer send a Windows 10/11 PC's SYN, so p0f labels them alike;"
             " its confirmed host name is in the default exemptions")
        replies = client(args, "windows-10", args.exempt_server, "3 Windows server")
        check(code(replies["DATA"]) == 250, "accepted at once (exempt from greylisting by its confirmed host name)")
        expected.append("3 Windows server")
    else:
        step("3. (skipped: no DNS server of the demo's own, so no exempt Windows mail server)")

    step("4. A FreeBSD client (%s) is refused" % freebsd)
    replies = client(args, "freebsd", freebsd, "4 FreeBSD")
    check(code(replies["MAIL"]) == 554 or code(replies["RCPT"]) == 554,
          "refused with 554 (FreeBSD is in the demo's blocked operating systems)")

    step("5. A client forges the p0f headers")
    forged = 'X-P0F: os="Windows 95" distance=0\r\nX-P0F-Genre: Windows 95\r\n'
    note("the message carries: " + forged.replace("\r\n", "  ").strip())
    replies = conversation(args, LINUX, "5 Forged", forged)
    check(code(replies["DATA"]) == 250, "accepted")

    step("Delivered to %s, read back over IMAP (p0f headers of each mail)" % args.user)
    mails = wait_for_mail(args, expected)
    for subject in sorted(mails):
        node = [v for n, v in mails[subject] if n == DELIVERED_BY]
        note("Subject: " + subject + (" (delivered by node %s)" % node[0] if node else ""))
        # The first mail in full, the others by their p0f headers only.
        shown = [(n, v) for n, v in mails[subject] if n != DELIVERED_BY] if subject == "1 Linux" \
            else p0f_headers(mails[subject])
        for name, value in shown:
            note("    %s: %s" % (name, value))
    linux = p0f_headers(mails.get("1 Linux", []))
    windows = p0f_headers(mails.get("2 Windows", []))
    forged_mail = p0f_headers(mails.get("5 Forged", []))
    check(any(n == "X-P0F-Genre" and (v == LINUX_LABEL if MODERN_KERNEL else v.startswith("Linux")) for n, v in linux),
          "the Linux mail says " + LINUX_LABEL)
    check(any(n == "X-P0F-Genre" and v == WINDOWS_LABEL for n, v in windows), "the Windows mail says " + WINDOWS_LABEL)
    check(any(n == "X-P0F-Greylist" and v.startswith("delayed") for n, v in windows),
          "the Windows mail says how long greylisting delayed it")
    if args.exempt_server:
        server = p0f_headers(mails.get("3 Windows server", []))
        check(any(n == "X-P0F-Greylist" and v == "not delayed" for n, v in server),
              "the Windows mail server's mail was not delayed")
    check("4 FreeBSD" not in mails, "nothing from FreeBSD was delivered")
    check(forged_mail and all("Windows 95" not in v for _, v in forged_mail)
          and any(n == "X-P0F-Genre" and v.startswith("Linux") for n, v in forged_mail),
          "the forged headers were replaced by " + ("the saved SYN's fingerprint" if args.tun else "what p0f saw"))

    for number, (_, webadmin_port) in enumerate(nodes(args), 1):
        step("What James's webadmin says about p0f" + (" (node %d)" % number if args.client_netns else ""))
        try:
            show_p0f_status(args, webadmin_port)
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % webadmin_port, timeout=10) as response:
                metrics = [line for line in response.read().decode().splitlines() if line.startswith("p0f_")
                           and not line.startswith("p0f_lookup_latency") and not line.endswith(" 0.0")]
            note("GET /metrics (p0f_*, non-zero):")
            for line in metrics:
                note("    " + line)
        except OSError as e:
            check(False, "webadmin did not answer: %s" % e)

    print()
    if failures:
        print("The tour did NOT go as expected: " + "; ".join(failures))
        return 1
    print("The tour went as expected.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nInterrupted.")
        sys.exit(130)
