package io.github.jamesp0f.syn;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import io.github.jamesp0f.testing.Hex;

/**
 * Builds SYN bytes field by field for the unit tests: an IPv4 or IPv6 header and a TCP header
 * with the options given as hex. Defaults: IPv4, TTL 64, DF with a non-zero IP ID, window 8192,
 * sequence number 1, SYN only, no options, no data. Checksums are left zero: p0f ignores them.
 */
final class SynBytes {

    private int ipVersion = 4;
    private int ttl = 64;
    private boolean dontFragment = true;
    private int ipId = 0x1234;
    private int ipFlagBits;
    private int trafficClass;
    private int flowLabel;
    private String ipOptions = "";
    private int window = 8192;
    private long seq = 1;
    private long ack;
    private int flags = 0x02;
    private int reservedBits;
    private int urgentPointer;
    private String options = "";
    private int payloadLength;
    private InetAddress source;
    private int destinationPort = 25;

    static SynBytes ipv4() {
        return new SynBytes();
    }

    static SynBytes ipv6() {
        SynBytes syn = new SynBytes();
        syn.ipVersion = 6;
        return syn;
    }

    /** The source address (of the SYN's IP version); by default 127.0.0.2 or ::2, to 127.0.0.1 or ::1. */
    SynBytes from(InetAddress address) {
        source = address;
        return this;
    }

    SynBytes toPort(int port) {
        destinationPort = port;
        return this;
    }

    SynBytes ttl(int value) {
        ttl = value;
        return this;
    }

    SynBytes dontFragment(boolean value) {
        dontFragment = value;
        return this;
    }

    SynBytes ipId(int value) {
        ipId = value;
        return this;
    }

    /** Extra bits of the IPv4 flags and fragment offset field (0x8000 reserved, 0x2000 MF, offset). */
    SynBytes ipFlagBits(int value) {
        ipFlagBits = value;
        return this;
    }

    /** IPv4 TOS or IPv6 traffic class. */
    SynBytes trafficClass(int value) {
        trafficClass = value;
        return this;
    }

    SynBytes flowLabel(int value) {
        flowLabel = value;
        return this;
    }

    SynBytes ipOptions(String hex) {
        ipOptions = hex;
        return this;
    }

    SynBytes window(int value) {
        window = value;
        return this;
    }

    SynBytes seq(long value) {
        seq = value;
        return this;
    }

    SynBytes ack(long value) {
        ack = value;
        return this;
    }

    SynBytes flags(int value) {
        flags = value;
        return this;
    }

    /** The four bits between the TCP data offset and the flags (the lowest is NS). */
    SynBytes reservedBits(int value) {
        reservedBits = value;
        return this;
    }

    SynBytes urgentPointer(int value) {
        urgentPointer = value;
        return this;
    }

    /** TCP options as hex, a multiple of 4 bytes, e.g. {@code 020405b4 01010402}. */
    SynBytes options(String hex) {
        options = hex;
        return this;
    }

    /** Data after the headers: that many zero bytes, counted in the IP length field. */
    SynBytes payloadLength(int value) {
        payloadLength = value;
        return this;
    }

    byte[] bytes() {
        byte[] tcpOptions = hex(options);
        byte[] ipOptionBytes = hex(ipOptions);
        int tcpLength = 20 + tcpOptions.length;
        int ipLength = ipVersion == 4 ? 20 + ipOptionBytes.length : 40;
        ByteBuffer packet = ByteBuffer.allocate(ipLength + tcpLength + payloadLength);
        if (ipVersion == 4) {
            packet.put((byte) (0x40 | (ipLength / 4))).put((byte) trafficClass)
                .putShort((short) (ipLength + tcpLength + payloadLength)).putShort((short) ipId)
                .putShort((short) ((dontFragment ? 0x4000 : 0) | ipFlagBits)).put((byte) ttl).put((byte) 6)
                .putShort((short) 0).put(source == null ? new byte[] {127, 0, 0, 2} : source.getAddress())
                .putInt(0x7F000001).put(ipOptionBytes);
        } else {
            packet.putInt((6 << 28) | (trafficClass << 20) | flowLabel).putShort((short) (tcpLength + payloadLength))
                .put((byte) 6).put((byte) ttl);
            if (source == null) {
                packet.putLong(0).putLong(2);
            } else {
                packet.put(source.getAddress());
            }
            packet.putLong(0).putLong(1);
        }
        packet.putShort((short) 40000).putShort((short) destinationPort).putInt((int) seq).putInt((int) ack)
            .put((byte) (((tcpLength / 4) << 4) | reservedBits)).put((byte) flags).putShort((short) window)
            .putShort((short) 0).putShort((short) urgentPointer).put(tcpOptions);
        return packet.array();
    }

    SynSignature parse() {
        return SynParser.parse(bytes());
    }

    static byte[] hex(String text) {
        return Hex.bytes(text);
    }
}
