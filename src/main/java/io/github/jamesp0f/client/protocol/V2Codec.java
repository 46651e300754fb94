package io.github.jamesp0f.client.protocol;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * p0f 2's query API ({@code p0f -Q}): a 24-byte query naming the whole connection, a 144-byte
 * answer. The C structs are not packed, so fields sit at their natural alignment (offsets below
 * from p0f-query.h, not from p0fq.pl, which unpacks score, mflags and uptime from the wrong place).
 */
public final class V2Codec {

    public static final int QUERY_SIZE = 24;
    public static final int RESPONSE_SIZE = 144;
    public static final int MAGIC = 0x0defaced;
    public static final int QUERY_TYPE_FINGERPRINT = 1;
    public static final int TYPE_OK = 0;
    public static final int TYPE_BADQUERY = 1;
    public static final int TYPE_NOMATCH = 2;

    private V2Codec() {
    }

    /**
     * The query for the connection {@code remote:remotePort -> local:localPort}.
     *
     * @throws IllegalArgumentException when an address is IPv6 (v2 knows IPv4 only) or a port is out of range
     */
    public static byte[] encodeQuery(int id, InetAddress remote, int remotePort, InetAddress local, int localPort) {
        byte[] src = requireIpv4("remote", remote);
        byte[] dst = requireIpv4("local", local);
        requirePort("remote", remotePort);
        requirePort("local", localPort);
        ByteBuffer q = ByteBuffer.allocate(QUERY_SIZE).order(ByteOrder.nativeOrder());
        q.putInt(0, MAGIC);
        q.put(4, (byte) QUERY_TYPE_FINGERPRINT);
        q.putInt(8, id);
        q.position(12);
        q.put(src).put(dst);
        q.putShort(20, (short) remotePort);
        q.putShort(22, (short) localPort);
        return q.array();
    }

    /** Decodes the answer to query {@code expectedId}; {@code length} bytes were read. */
    public static V2Answer decode(byte[] answer, int length, int expectedId) throws P0fProtocolException {
        if (length != RESPONSE_SIZE) {
            throw new P0fProtocolException("p0f v2 answer is " + length + " bytes long, expected " + RESPONSE_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(answer).order(ByteOrder.nativeOrder());
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw new P0fProtocolException("not a p0f v2 answer: magic " + WireText.hex(magic) + ", expected "
                + WireText.hex(MAGIC) + (magic == Integer.reverseBytes(MAGIC)
                    ? " (p0f runs on a host of the other endianness)" : " (is this a p0f 2 -Q socket?)"));
        }
        int id = b.getInt(4);
        if (id != expectedId) {
            throw new P0fProtocolException("p0f v2 answer is for query id " + id + ", expected " + expectedId);
        }
        int type = b.get(8) & 0xff;
        if (type != TYPE_OK && type != TYPE_BADQUERY && type != TYPE_NOMATCH) {
            throw new P0fProtocolException("p0f v2 answer has unknown type " + type
                + ", expected 0 (OK), 1 (BADQUERY) or 2 (NOMATCH)");
        }
        return new V2Answer(type,
            WireText.field(b, 9, 20),
            WireText.field(b, 29, 40),
            b.get(69),
            WireText.field(b, 70, 30),
            WireText.field(b, 100, 30),
            b.get(130) & 0xff,
            b.get(131) & 0xff,
            b.get(132) & 0xff,
            b.getShort(134),
            b.getShort(136) & 0xffff,
            b.getInt(140));
    }

    private static byte[] requireIpv4(String which, InetAddress address) {
        byte[] ipv4 = address == null ? null : Ipv4Mapped.ipv4Bytes(address);
        if (ipv4 == null) {
            throw new IllegalArgumentException("p0f v2 can only look up IPv4 connections; the " + which
                + " address is " + (address == null ? "missing" : address.getHostAddress()));
        }
        return ipv4;
    }

    private static void requirePort(String which, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("p0f v2 needs the " + which + " port (1..65535), not " + port);
        }
    }
}
