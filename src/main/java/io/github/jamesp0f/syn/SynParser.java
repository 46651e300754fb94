package io.github.jamesp0f.syn;

import java.nio.ByteBuffer;

/**
 * Reads the IP and TCP headers of a client's SYN into the {@link SynSignature} p0f 3 would compute.
 * What it reads is what p0f reads, as the daemon's own logs show it; where the daemon and its
 * README differ, the daemon is followed:
 * <ul>
 * <li>only IPv4 (not fragmented) and IPv6 whose next header is TCP; only segments with SYN set and
 * ACK, RST and FIN clear (p0f ignores the rest);</li>
 * <li>{@code ack+} is set as p0f 3.09b sets it on the x86 and ARM machines it runs on: when the
 * first byte of the ACK number on the wire is odd, whatever the other three (an ACK number of 5 is
 * no {@code ack+}, one of 0x01000000 is);</li>
 * <li>TCP options are read as {@link TcpOptionsReader} says.</li>
 * </ul>
 * The bytes are read from the buffer's position to its limit, without moving either; bytes past
 * the headers are never read, so a buffer that holds only the headers (the kernel's saved SYN)
 * does: whether the SYN carries data is taken from the IP length fields.
 */
public final class SynParser {

    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int PUSH = 0x08;
    private static final int ACK = 0x10;
    private static final int URG = 0x20;
    private static final int ECE = 0x40;
    private static final int CWR = 0x80;

    private SynParser() {
    }

    /** @throws MalformedSynException naming what is wrong and where */
    public static SynSignature parse(byte[] packet) {
        return parse(ByteBuffer.wrap(packet));
    }

    /** @throws MalformedSynException naming what is wrong and where */
    public static SynSignature parse(ByteBuffer packet) {
        int base = packet.position();
        int length = packet.remaining();
        if (length < 1) {
            throw new MalformedSynException("no bytes: an empty packet is not a SYN");
        }
        SynSignature syn = new SynSignature();
        int version = (packet.get(base) & 0xFF) >>> 4;
        if (version == 4) {
            readIpv4(packet, base, length, syn);
        } else if (version == 6) {
            readIpv6(packet, base, length, syn);
        } else {
            throw new MalformedSynException("IP version " + version + " in the first byte: neither 4 nor 6");
        }
        return syn;
    }

    private static void readIpv4(ByteBuffer packet, int base, int length, SynSignature syn) {
        require(length, IPV4_HEADER, "the IPv4 header");
        int headerLength = (packet.get(base) & 0x0F) * 4;
        if (headerLength < IPV4_HEADER) {
            throw new MalformedSynException("IPv4 header length " + headerLength + " (byte 0) is below 20");
        }
        require(length, headerLength, "the IPv4 header with its options");
        int protocol = packet.get(base + 9) & 0xFF;
        if (protocol != PROTOCOL_TCP) {
            throw new MalformedSynException("IPv4 protocol " + protocol + " (byte 9) is not TCP (6)");
        }
        int flagsAndOffset = u16(packet, base + 6);
        if ((flagsAndOffset & 0x3FFF) != 0) {
            throw new MalformedSynException("an IPv4 fragment (bytes 6-7): p0f fingerprints whole SYNs only");
        }
        int ecnBits = packet.get(base + 1) & 0x03;
        int id = u16(packet, base + 4);
        boolean dontFragment = (flagsAndOffset & 0x4000) != 0;
        int quirks = ecnBits != 0 ? Quirk.ECN.bit() : 0;
        if ((flagsAndOffset & 0x8000) != 0) {
            quirks |= Quirk.MUST_BE_ZERO.bit();
        }
        if (dontFragment) {
            quirks |= Quirk.DF.bit() | (id != 0 ? Quirk.NONZERO_ID.bit() : 0);
        } else if (id == 0) {
            quirks |= Quirk.ZERO_ID.bit();
        }
        syn.ipVersion = 4;
        syn.ttl = packet.get(base + 8) & 0xFF;
        syn.ipOptionsLength = headerLength - IPV4_HEADER;
        syn.quirks = quirks;
        int totalLength = u16(packet, base + 2);
        int tcpLength = readTcp(packet, base + headerLength, length - headerLength, syn);
        syn.headerLength = headerLength + tcpLength;
        int payload = totalLength - headerLength - tcpLength;
        if (payload < 0) {
            throw new MalformedSynException("IPv4 total length " + totalLength + " (bytes 2-3) is less than its "
                + headerLength + " + " + tcpLength + " bytes of IP and TCP headers");
        }
        syn.payload = payload > 0;
    }

    private static void readIpv6(ByteBuffer packet, int base, int length, SynSignature syn) {
        require(length, IPV6_HEADER, "the IPv6 header");
        int nextHeader = packet.get(base + 6) & 0xFF;
        if (nextHeader != PROTOCOL_TCP) {
            throw new MalformedSynException("IPv6 next header " + nextHeader
                + " (byte 6) is not TCP (6): p0f does not read past extension headers");
        }
        int firstWord = (u16(packet, base) << 16) | u16(packet, base + 2);
        syn.ipVersion = 6;
        syn.ttl = packet.get(base + 7) & 0xFF;
        syn.ipOptionsLength = 0;
        syn.quirks = ((firstWord >>> 20) & 0x03) != 0 ? Quirk.ECN.bit() : 0;
        if ((firstWord & 0xFFFFF) != 0) {
            syn.quirks |= Quirk.FLOW.bit();
        }
        int payloadLength = u16(packet, base + 4);
        int tcpLength = readTcp(packet, base + IPV6_HEADER, length - IPV6_HEADER, syn);
        syn.headerLength = IPV6_HEADER + tcpLength;
        if (payloadLength < tcpLength) {
            throw new MalformedSynException("IPv6 payload length " + payloadLength + " (bytes 4-5) is less than its "
                + tcpLength + " bytes of TCP header");
        }
        syn.payload = payloadLength > tcpLength;
    }

    /** Reads the TCP header at {@code at}; returns its length. */
    private static int readTcp(ByteBuffer packet, int at, int available, SynSignature syn) {
        require(available, TCP_HEADER, "the TCP header");
        int headerLength = ((packet.get(at + 12) & 0xFF) >>> 4) * 4;
        if (headerLength < TCP_HEADER) {
            throw new MalformedSynException("TCP header length " + headerLength + " (TCP byte 12) is below 20");
        }
        require(available, headerLength, "the TCP header with its options");
        int flags = packet.get(at + 13) & 0xFF;
        if ((flags & (SYN | ACK | RST | FIN)) != SYN) {
            throw new MalformedSynException("TCP flags 0x" + Integer.toHexString(flags)
                + " (TCP byte 13): not a client's SYN (SYN set, ACK, RST and FIN clear)");
        }
        int quirks = syn.quirks;
        if ((flags & (ECE | CWR)) != 0 || (packet.get(at + 12) & 0x01) != 0) {
            quirks |= Quirk.ECN.bit();
        }
        if ((u16(packet, at + 4) | u16(packet, at + 6)) == 0) {
            quirks |= Quirk.ZERO_SEQ.bit();
        }
        if ((packet.get(at + 8) & 0x01) != 0) {
            quirks |= Quirk.NONZERO_ACK.bit();
        }
        if ((flags & URG) != 0) {
            quirks |= Quirk.URG.bit();
        } else if (u16(packet, at + 18) != 0) {
            quirks |= Quirk.NONZERO_URG.bit();
        }
        if ((flags & PUSH) != 0) {
            quirks |= Quirk.PUSH.bit();
        }
        syn.quirks = quirks;
        syn.window = u16(packet, at + 14);
        TcpOptionsReader.read(packet, at + TCP_HEADER, at + headerLength, syn);
        return headerLength;
    }

    /** A 16-bit field in network order, whatever the buffer's own byte order. */
    static int u16(ByteBuffer packet, int at) {
        return ((packet.get(at) & 0xFF) << 8) | (packet.get(at + 1) & 0xFF);
    }

    private static void require(int available, int needed, String what) {
        if (available < needed) {
            throw new MalformedSynException("truncated: " + what + " needs " + needed + " bytes, " + available
                + " left");
        }
    }
}
