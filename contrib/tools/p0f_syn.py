"""p0f 3.x TCP signatures and the SYNs that match them: the library behind craft-syn.py.

parse_signature(text) reads one p0f `sig` value (ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass);
build_syn(signature, source, destination, ...) returns the IPv4 or IPv6 packet (IP header onward) that
p0f 3.09b matches to that signature exactly (not fuzzily), and raw_signature(packet) the raw_sig p0f
logs for a packet. The rules are those the p0f 3.09b daemon applies where they differ from its README
(each checked by handing the SYNs to p0f itself: p0f -r on a capture, and DatabaseLabelsIT):

- a wildcard gets a concrete value: version from the source address, MSS 1460 (smaller when the window
  multiplier needs it), window 65521 (a prime, so p0f sees no multiple of the MSS or MTU), scale 14
  (15 with exws), no payload; callers may choose them instead (mss=, window=, scale=, payload=);
- quirks are made exactly: df, id+ (DF with a non-zero IP ID), id- (no DF, IP ID zero), ecn (ECE and
  CWR set), 0+ (the reserved IP flag), flow (IPv6 flow label), seq-, ack+, uptr+, urgf+, pushf+,
  ts1-, ts2+, opt+ (non-zero bytes after EOL), exws (scale above 14), bad (a wrong length byte on
  the first of mss, ws, sok or ts; p0f still reads the layout); every quirk the signature lacks is
  absent. ack- marks a SYN+ACK and cannot be sent in a SYN. For `*` signatures p0f ignores the IPv4
  quirks (df, id+, id-, 0+) on IPv6 packets and flow on IPv4 ones, and so does this module;
- a value a signature cannot produce (a layout that is not a whole number of 32-bit words, a window
  above 65535, df on IPv6...) raises SignatureError naming it.

Python 3 standard library only.
"""

import ipaddress
import random
import socket
import struct

MIN_TCP4 = 40
MIN_TCP6 = 60
MAX_DIST = 35
WILDCARD_WINDOW = 65521
QUIRKS = ("df", "id+", "id-", "ecn", "0+", "flow", "seq-", "ack+", "ack-", "uptr+", "urgf+", "pushf+",
          "ts1-", "ts2+", "opt+", "exws", "bad")
IPV4_ONLY_QUIRKS = ("df", "id+", "id-", "0+")
OPTION_KINDS = {"eol": 0, "nop": 1, "mss": 2, "ws": 3, "sok": 4, "sack": 5, "ts": 8}
OPTION_NAMES = {kind: name for name, kind in OPTION_KINDS.items()}
OPTION_SIZES = {0: 1, 1: 1, 2: 4, 3: 3, 4: 2, 5: 10, 8: 10}
BAD_LENGTH = {2: 5, 3: 4, 4: 3, 8: 11}  # a wrong length byte p0f flags as 'bad' and still reads past


class SignatureError(ValueError):
    """A signature p0f would refuse, or one no SYN can match exactly."""


class Signature:
    """One parsed `sig` value; None stands for a wildcard."""

    def __init__(self, text, version, ittl, bad_ttl, olen, mss, window_type, window, scale, layout, eol_pad,
                 quirks, pclass):
        self.text = text
        self.version = version          # 4, 6 or None
        self.ittl = ittl                # initial TTL (ttl+dist already added)
        self.bad_ttl = bad_ttl          # 'ttl-': any TTL up to ittl
        self.olen = olen                # IPv4 option bytes
        self.mss = mss                  # int or None
        self.window_type = window_type  # 'fixed', 'mss', 'mtu', 'mod' or 'any'
        self.window = window            # value, multiplier or modulus; None for 'any'
        self.scale = scale              # int or None
        self.layout = layout            # option kinds in order
        self.eol_pad = eol_pad          # bytes after EOL
        self.quirks = quirks            # set of quirk names
        self.pclass = pclass            # 0, 1 (payload) or None


def parse_signature(text):
    """Parses one p0f `sig` value, refusing what p0f 3.09b refuses to load."""
    fields = text.strip().split(":")
    if len(fields) != 8:
        raise SignatureError("a signature has 8 fields (ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass), "
                             "not %d: %r" % (len(fields), text))
    ver, ttl, olen, mss, window, layout, quirks, pclass = fields
    version = {"4": 4, "6": 6, "*": None}.get(ver)
    if ver not in ("4", "6", "*"):
        raise SignatureError("version must be 4, 6 or *, not %r" % ver)
    ittl, bad_ttl = _ttl(ttl)
    olen_value = _number(olen, "IP option length", 0, 255)
    if olen_value % 4 or (version == 6 and olen_value):
        raise SignatureError("IP option length %d: p0f counts whole 32-bit words of IPv4 options" % olen_value)
    mss_value = None if mss == "*" else _number(mss, "MSS", 0, 65535)
    if "," not in window:
        raise SignatureError("window and scale are written 'wsize,scale', not %r" % window)
    size, scale = window.split(",", 1)
    window_type, window_value = _window(size)
    scale_value = None if scale == "*" else _number(scale, "window scale", 0, 255)
    kinds, eol_pad = _layout(layout)
    quirk_set = _quirks(quirks, version)
    if pclass not in ("0", "+", "*"):
        raise SignatureError("payload class must be 0, + or *, not %r" % pclass)
    return Signature(text.strip(), version, ittl, bad_ttl, olen_value, mss_value, window_type, window_value,
                     scale_value, kinds, eol_pad, quirk_set, {"0": 0, "+": 1, "*": None}[pclass])


def _number(text, what, low, high):
    if not text.isdigit():
        raise SignatureError("%s must be a number, not %r" % (what, text))
    value = int(text)
    if not low <= value <= high:
        raise SignatureError("%s %d is not between %d and %d" % (what, value, low, high))
    return value


def _ttl(text):
    if text.endswith("-"):
        return _number(text[:-1], "initial TTL", 1, 255), True
    if "+" in text:
        base, extra = text.split("+", 1)
        ittl = _number(base, "initial TTL", 1, 255) + _number(extra, "TTL distance", 0, 255)
        if ittl > 255:
            raise SignatureError("initial TTL %s adds up to more than 255" % text)
        return ittl, False
    return _number(text, "initial TTL", 1, 255), False


def _window(text):
    if text == "*":
        return "any", None
    if text.startswith("%"):
        return "mod", _number(text[1:], "window modulus", 2, 65535)
    if text.startswith("mss*") or text.startswith("mtu*"):
        return text[:3], _number(text[4:], "window multiplier", 1, 1000)
    return "fixed", _number(text, "window", 0, 65535)


def _layout(text):
    kinds, eol_pad = [], 0
    items = text.split(",") if text else []
    for position, item in enumerate(items):
        if item.startswith("eol+"):
            if position != len(items) - 1:
                raise SignatureError("eol must be the last option, in %r" % text)
            kinds.append(0)
            eol_pad = _number(item[4:], "EOL padding", 0, 255)
        elif item.startswith("?"):
            kinds.append(_number(item[1:], "option kind", 0, 255))
        elif item in OPTION_KINDS and item != "eol":
            kinds.append(OPTION_KINDS[item])
        else:
            raise SignatureError("unknown TCP option %r (p0f knows eol+N, nop, mss, ws, sok, sack, ts, ?N)" % item)
    if len(kinds) > 40:
        raise SignatureError("more than 40 TCP options in %r" % text)
    return kinds, eol_pad


def _quirks(text, version):
    found = set()
    for quirk in (text.split(",") if text else []):
        if quirk not in QUIRKS:
            raise SignatureError("unknown quirk %r (p0f knows %s)" % (quirk, ", ".join(QUIRKS)))
        if version == 6 and quirk in IPV4_ONLY_QUIRKS:
            raise SignatureError("%r is not valid for IPv6" % quirk)
        if version == 4 and quirk == "flow":
            raise SignatureError("'flow' is not valid for IPv4")
        found.add(quirk)
    return found


def build_syn(sig, source, destination, source_port, destination_port, ttl=None, distance=0, mss=None,
              window=None, scale=None, payload=None, rng=random):
    """The packet (IP header onward) p0f matches exactly to `sig`, from source to destination."""
    source, destination = ipaddress.ip_address(source), ipaddress.ip_address(destination)
    if source.version != destination.version:
        raise SignatureError("source %s and destination %s are not of the same IP version" % (source, destination))
    ipv6 = source.version == 6
    if sig.version and sig.version != source.version:
        raise SignatureError("the signature is IPv%d, the source %s is not" % (sig.version, source))
    quirks = set(sig.quirks) - (set(IPV4_ONLY_QUIRKS) if ipv6 else {"flow"})
    option_bytes = _refuse_impossible(sig, quirks, ipv6)
    total_header = (40 if ipv6 else 20 + sig.olen) + 20 + option_bytes
    values = _concrete_values(sig, quirks, ipv6, total_header, mss, window, scale)
    sent_ttl = ttl if ttl is not None else sig.ittl - distance
    lowest = 1 if sig.bad_ttl else max(1, sig.ittl - MAX_DIST)
    if not lowest <= sent_ttl <= sig.ittl:
        raise SignatureError("TTL %d is not between %d and the signature's initial TTL %d (p0f matches a larger "
                             "distance than %d only fuzzily)" % (sent_ttl, lowest, sig.ittl, MAX_DIST))
    if payload is None:
        payload = 8 if sig.pclass == 1 else 0
    elif (sig.pclass == 0 and payload) or (sig.pclass == 1 and not payload):
        raise SignatureError("payload class %s does not allow %d payload bytes" % ("0" if payload else "+", payload))
    tcp = _tcp_segment(sig, quirks, values, source, destination, source_port, destination_port, payload, rng)
    if ipv6:
        flow = rng.randint(1, 0xFFFFF) if "flow" in quirks else 0
        header = struct.pack("!IHBB16s16s", (6 << 28) | flow, len(tcp), socket.IPPROTO_TCP, sent_ttl,
                             source.packed, destination.packed)
        return header + tcp
    return _ipv4_header(sig, quirks, source, destination, sent_ttl, len(tcp), rng) + tcp


def _refuse_impossible(sig, quirks, ipv6):
    if "ack-" in quirks:
        raise SignatureError("ack- (ACK flag with a zero ACK number) marks SYN+ACKs: a SYN cannot carry it")
    if "id+" in quirks and "df" not in quirks:
        raise SignatureError("id+ needs df: p0f notes a non-zero IP ID only when DF is set")
    if "id-" in quirks and "df" in quirks:
        raise SignatureError("id- (no DF, IP ID zero) contradicts df")
    if ipv6 and "0+" in sig.quirks:
        raise SignatureError("0+ (the reserved IPv4 flag) cannot be sent over IPv6")
    if ("ts1-" in quirks or "ts2+" in quirks) and 8 not in sig.layout:
        raise SignatureError("ts1- and ts2+ need a ts option in the layout")
    if "opt+" in quirks and not (sig.layout and sig.layout[-1] == 0 and sig.eol_pad >= 2):
        raise SignatureError("opt+ needs eol+N with N of 2 or more: p0f's scan past EOL misses a non-zero last byte")
    if "bad" in quirks and not any(kind in BAD_LENGTH for kind in sig.layout):
        raise SignatureError("bad needs an mss, ws, sok or ts option whose length byte can be wrong")
    size = sum(OPTION_SIZES.get(kind, 2) for kind in sig.layout) + sig.eol_pad
    if size % 4 or size > 40:
        raise SignatureError("the options %s take %d bytes: TCP needs whole 32-bit words, at most 40 bytes"
                             % (",".join(_option_name(k) for k in sig.layout), size))
    return size


def _concrete_values(sig, quirks, ipv6, total_header, mss, window, scale):
    has_mss, has_ws = 2 in sig.layout, 3 in sig.layout
    mss = _choose_mss(sig, has_mss, mss)
    scale = _choose_scale(sig, quirks, has_ws, scale)
    ts1 = 8 in sig.layout and "ts1-" not in quirks
    window = _choose_window(sig, mss, ipv6, window, ts1, total_header)
    return {"mss": mss, "window": window, "scale": scale}


def _choose_mss(sig, has_mss, wanted):
    if sig.mss is not None:
        if wanted is not None and wanted != sig.mss:
            raise SignatureError("the signature fixes the MSS at %d" % sig.mss)
        if sig.mss and not has_mss:
            raise SignatureError("MSS %d without an mss option: p0f reads 0" % sig.mss)
        return sig.mss
    if not has_mss:
        return 0
    if wanted is not None:
        return wanted
    if sig.window_type == "mss":
        return min(1460, 65535 // sig.window)
    if sig.window_type == "mtu":
        return min(1460, 65535 // sig.window - MIN_TCP4)
    return 1460


def _choose_scale(sig, quirks, has_ws, wanted):
    if not has_ws:
        if sig.scale or (wanted is not None and wanted != 0):
            raise SignatureError("a window scale without a ws option: p0f reads 0")
        return 0
    value = sig.scale if sig.scale is not None else wanted
    if sig.scale is not None and wanted is not None and wanted != sig.scale:
        raise SignatureError("the signature fixes the window scale at %d" % sig.scale)
    if value is None:
        value = 15 if "exws" in quirks else 14
    if (value > 14) != ("exws" in quirks):
        raise SignatureError("window scale %d %s the exws quirk (p0f adds it above 14)"
                             % (value, "needs" if value > 14 else "contradicts"))
    return value


def _choose_window(sig, mss, ipv6, wanted, ts1, total_header):
    kind, n = sig.window_type, sig.window
    if kind == "fixed":
        if wanted is not None and wanted != n:
            raise SignatureError("the signature fixes the window at %d" % n)
        return n
    if kind == "mod":
        value = wanted if wanted is not None else n * (65535 // n)
        if value % n:
            raise SignatureError("window %d is not a multiple of %d" % (value, n))
        return value
    if kind == "any":
        return wanted if wanted is not None else WILDCARD_WINDOW
    value = n * mss if kind == "mss" else n * (mss + MIN_TCP4)
    if wanted is not None and wanted != value:
        raise SignatureError("the window is %s*%d = %d here, not %d" % (kind, n, value, wanted))
    if not 0 < value <= 65535:
        raise SignatureError("%s*%d with MSS %d makes a window of %d, above 65535: choose a smaller MSS"
                             % (kind, n, mss, value))
    found = window_multiple(value, mss, ipv6, ts1, total_header)
    if found != (kind, n):
        raise SignatureError("with MSS %d p0f reads window %d as %s, not %s*%d: choose another MSS"
                             % (mss, value, "%s*%d" % found if found else value, kind, n))
    return value


def window_multiple(win, mss, ipv6, ts1, total_header):
    """p0f's detect_win_multi: ('mss'|'mtu', multiplier) or None. total_header: IP + TCP header bytes."""
    if not win or mss < 100:
        return None
    divisors = [(mss, "mss")]
    if ts1:
        divisors.append((mss - 12, "mss"))
    divisors += [(1500 - MIN_TCP4, "mss"), (1500 - MIN_TCP4 - 12, "mss")]
    if ipv6:
        divisors += [(1500 - MIN_TCP6, "mss"), (1500 - MIN_TCP6 - 12, "mss")]
    divisors += [(mss + MIN_TCP4, "mtu"), (mss + total_header, "mtu")]
    if ipv6:
        divisors.append((mss + MIN_TCP6, "mtu"))
    divisors.append((1500, "mtu"))
    for divisor, kind in divisors:
        if divisor and win % divisor == 0:
            return kind, win // divisor
    return None


def _tcp_segment(sig, quirks, values, source, destination, source_port, destination_port, payload, rng):
    options = _options(sig, quirks, values, rng)
    flags = 0x02
    flags |= 0xC0 if "ecn" in quirks else 0   # ECE and CWR: a SYN asking for ECN
    flags |= 0x20 if "urgf+" in quirks else 0
    flags |= 0x08 if "pushf+" in quirks else 0
    seq = 0 if "seq-" in quirks else rng.randint(1, 0xFFFFFFFF)
    # p0f tests the ACK number as `RD32(ack) & !(flags & RST)`, a bitwise AND with 1: on a little-endian
    # machine only ACK numbers whose first byte on the wire is odd count as ack+.
    ack = ((rng.randint(0, 0x7F) * 2 + 1) << 24) | rng.randint(0, 0xFFFFFF) if "ack+" in quirks else 0
    urgent = rng.randint(1, 0xFFFF) if "uptr+" in quirks else 0
    offset = (20 + len(options)) // 4
    segment = struct.pack("!HHIIBBHHH", source_port, destination_port, seq, ack, offset << 4, flags,
                          values["window"], 0, urgent) + options + bytes(rng.randint(1, 255) for _ in range(payload))
    pseudo = source.packed + destination.packed
    pseudo += (struct.pack("!IxxxB", len(segment), socket.IPPROTO_TCP) if source.version == 6
               else struct.pack("!xBH", socket.IPPROTO_TCP, len(segment)))
    return segment[:16] + struct.pack("!H", checksum(pseudo + segment)) + segment[18:]


def _options(sig, quirks, values, rng):
    out = bytearray()
    bad_done = "bad" not in quirks
    for kind in sig.layout:
        if kind == 0:
            padding = bytearray(sig.eol_pad)
            if "opt+" in quirks:
                padding[0] = 1
            out += b"\x00" + padding
            continue
        if kind == 1:
            out += b"\x01"
            continue
        length = OPTION_SIZES.get(kind, 2)
        wrong = not bad_done and kind in BAD_LENGTH
        bad_done = bad_done or wrong
        out += bytes((kind, BAD_LENGTH[kind] if wrong else length))
        if kind == 2:
            out += struct.pack("!H", values["mss"])
        elif kind == 3:
            out += bytes((values["scale"],))
        elif kind == 5:
            start = rng.randint(1, 0x7FFFFFFF)
            out += struct.pack("!II", start, start + 1000)
        elif kind == 8:
            ts1 = 0 if "ts1-" in quirks else rng.randint(1, 0xFFFFFFFF)
            ts2 = rng.randint(1, 0xFFFFFFFF) if "ts2+" in quirks else 0
            out += struct.pack("!II", ts1, ts2)
    return bytes(out)


def _ipv4_header(sig, quirks, source, destination, ttl, tcp_length, rng):
    df = "df" in quirks
    if df:
        ip_id = rng.randint(1, 0xFFFF) if "id+" in quirks else 0
    else:
        ip_id = 0 if "id-" in quirks else rng.randint(1, 0xFFFF)
    flags = (0x4000 if df else 0) | (0x8000 if "0+" in quirks else 0)
    header_length = 20 + sig.olen
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | (header_length // 4), 0, header_length + tcp_length, ip_id,
                         flags, ttl, socket.IPPROTO_TCP, 0, source.packed, destination.packed) + b"\x01" * sig.olen
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:]


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def raw_signature(packet):
    """The raw_sig p0f 3.09b logs for this SYN, for comparing with p0f's log."""
    ipv6 = packet[0] >> 4 == 6
    if ipv6:
        ttl, olen, header, quirks = packet[7], 0, 40, []
        quirks += ["ecn"] if (struct.unpack("!I", packet[:4])[0] >> 20) & 0x03 else []
        quirks += ["flow"] if struct.unpack("!I", packet[:4])[0] & 0xFFFFF else []
    else:
        header = (packet[0] & 0x0F) * 4
        ttl, olen = packet[8], header - 20
        flags, ip_id = struct.unpack("!H", packet[6:8])[0], struct.unpack("!H", packet[4:6])[0]
        quirks = []
        quirks += ["df"] if flags & 0x4000 else []
        quirks += ["id+"] if flags & 0x4000 and ip_id else []
        quirks += ["id-"] if not flags & 0x4000 and not ip_id else []
        quirks += ["ecn"] if packet[1] & 0x03 else []
        quirks += ["0+"] if flags & 0x8000 else []
    tcp = packet[header:]
    offset = (tcp[12] >> 4) * 4
    flags = tcp[13]
    seq, ack = struct.unpack("!II", tcp[4:12])
    window, urgent = struct.unpack("!H", tcp[14:16])[0], struct.unpack("!H", tcp[18:20])[0]
    if flags & 0xC0 and "ecn" not in quirks:
        quirks.append("ecn")
    quirks += ["seq-"] if not seq else []
    quirks += ["ack+"] if (ack >> 24) & 1 and not flags & 0x10 else []
    quirks += ["urgf+"] if flags & 0x20 else (["uptr+"] if urgent else [])
    quirks += ["pushf+"] if flags & 0x08 else []
    names, mss, scale, ts1, option_quirks = _read_options(tcp[20:offset])
    quirks += option_quirks
    order = ["df", "id+", "id-", "ecn", "0+", "flow", "seq-", "ack+", "ack-", "uptr+", "urgf+", "pushf+",
             "ts1-", "ts2+", "opt+", "exws", "bad"]
    quirks = sorted(set(quirks), key=order.index)
    guess = next(limit for limit in (32, 64, 128, 255) if ttl <= limit) - ttl
    distance = "?" if guess > 35 else str(guess)
    found = window_multiple(window, mss, ipv6, ts1, header + offset)
    form = "%s*%d" % found if found else str(window)
    return "%d:%d+%s:%d:%d:%s,%d:%s:%s:%s" % (6 if ipv6 else 4, ttl, distance, olen, mss, form, scale,
                                              ",".join(names), ",".join(quirks), "+" if len(tcp) > offset else "0")


def _read_options(data):
    names, mss, scale, ts1, quirks, i = [], 0, 0, 0, [], 0
    while i < len(data):
        kind = data[i]
        if kind == 0:
            names.append("eol+%d" % (len(data) - i - 1))
            padding = data[i + 1:]
            first = next((j for j, byte in enumerate(padding) if byte), None)
            if first is not None and first < len(padding) - 1:  # p0f's loop steps past the byte it stops at
                quirks.append("opt+")
            break
        if kind == 1:
            names.append("nop")
            i += 1
            continue
        length = OPTION_SIZES.get(kind, data[i + 1])
        if kind in BAD_LENGTH and data[i + 1] != length:
            quirks.append("bad")
        if kind == 2:
            mss = struct.unpack("!H", data[i + 2:i + 4])[0]
        elif kind == 3:
            scale = data[i + 2]
            quirks += ["exws"] if scale > 14 else []
        elif kind == 8:
            ts1, ts2 = struct.unpack("!II", data[i + 2:i + 10])
            quirks += (["ts1-"] if not ts1 else []) + (["ts2+"] if ts2 else [])
        names.append(_option_name(kind))
        i += length
    return names, mss, scale, ts1, quirks


def _option_name(kind):
    return OPTION_NAMES.get(kind, "?%d" % kind) if kind else "eol"
