package io.github.jamesp0f.client.protocol;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.fingerprint.P0fVersion;
import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fLookup;

/**
 * p0f's v3 API (p0f 3.06b and later, {@code p0f -s}): a 21-byte query, a 232-byte answer.
 * Integers are in the host's byte order, as p0f writes its C structs; addresses in network order.
 */
public final class V3Codec {

    public static final int QUERY_SIZE = 21;
    public static final int RESPONSE_SIZE = 232;
    public static final int QUERY_MAGIC = 0x50304601;
    public static final int RESPONSE_MAGIC = 0x50304602;
    public static final int STATUS_BADQUERY = 0x00;
    public static final int STATUS_OK = 0x10;
    public static final int STATUS_NOMATCH = 0x20;

    private static final byte ADDRESS_IPV4 = 4;
    private static final byte ADDRESS_IPV6 = 6;
    private static final int STRING_SIZE = 32;

    private V3Codec() {
    }

    /** The query for {@code address}, IPv4-mapped IPv6 addresses asked as IPv4. */
    public static byte[] encodeQuery(InetAddress address) {
        ByteBuffer out = ByteBuffer.allocate(QUERY_SIZE);
        encodeQuery(address, out);
        return out.array();
    }

    /** Writes the 21-byte query at {@code out}'s position and advances it; any byte order. */
    public static void encodeQuery(InetAddress address, ByteBuffer out) {
        ByteOrder callerOrder = out.order();
        out.order(ByteOrder.nativeOrder()).putInt(QUERY_MAGIC).order(callerOrder);
        byte[] ipv4 = Ipv4Mapped.ipv4Bytes(address);
        if (ipv4 != null) {
            out.put(ADDRESS_IPV4).put(ipv4);
            for (int i = 4; i < 16; i++) {
                out.put((byte) 0);
            }
        } else {
            out.put(ADDRESS_IPV6).put(address.getAddress());
        }
    }

    /** Decodes a whole answer of {@code length} bytes read from p0f. */
    public static P0fLookup decode(byte[] answer, int length) throws P0fProtocolException {
        if (length != RESPONSE_SIZE) {
            throw new P0fProtocolException("p0f v3 answer is " + length + " bytes long, expected " + RESPONSE_SIZE);
        }
        return decode(ByteBuffer.wrap(answer));
    }

    /**
     * Decodes the {@value #RESPONSE_SIZE} bytes at {@code in}'s position and advances past them.
     * The caller makes sure that many bytes are there.
     */
    public static P0fLookup decode(ByteBuffer in) throws P0fProtocolException {
        // Absolute reads from the answer's start: no slice to allocate when the buffer is already
        // in the host's byte order, as the client's own buffers are.
        ByteBuffer b = in.order() == ByteOrder.nativeOrder() ? in : in.duplicate().order(ByteOrder.nativeOrder());
        int at = in.position();
        in.position(at + RESPONSE_SIZE);
        int magic = b.getInt(at);
        if (magic != RESPONSE_MAGIC) {
            throw new P0fProtocolException(magic == Integer.reverseBytes(RESPONSE_MAGIC)
                ? "p0f v3 answer has its magic in the other byte order (" + WireText.hex(magic)
                    + "): p0f runs on a host of the other endianness"
                : "not a p0f v3 answer: magic " + WireText.hex(magic) + ", expected " + WireText.hex(RESPONSE_MAGIC)
                    + " (is this a p0f 3 API socket?)");
        }
        int status = b.getInt(at + 4);
        switch (status) {
            case STATUS_OK:
                return P0fLookup.match(fingerprint(b, at));
            case STATUS_NOMATCH:
                return P0fLookup.noMatch();
            case STATUS_BADQUERY:
                return P0fLookup.failed(FailureWords.BAD_QUERY);
            default:
                throw new P0fProtocolException("p0f v3 answer has unknown status " + WireText.hex(status)
                    + ", expected BADQUERY 0x00, OK 0x10 or NOMATCH 0x20");
        }
    }

    private static Fingerprint fingerprint(ByteBuffer b, int at) {
        return Fingerprint.builder(P0fVersion.V3)
            .firstSeen(unsigned(b.getInt(at + 8)))
            .lastSeen(unsigned(b.getInt(at + 12)))
            .totalConnections(unsigned(b.getInt(at + 16)))
            .uptimeMinutes(unsigned(b.getInt(at + 20)))
            .upModDays(unsigned(b.getInt(at + 24)))
            .lastNat(unsigned(b.getInt(at + 28)))
            .lastChange(unsigned(b.getInt(at + 32)))
            // s16 in the struct, but p0f stores an unknown distance as 255 (see the notes).
            .distance(b.getShort(at + 36))
            .badSoftware(b.get(at + 38) & 0xff)
            .osMatchQuality(b.get(at + 39) & 0xff)
            .osName(WireText.field(b, at + 40, STRING_SIZE))
            .osFlavor(WireText.field(b, at + 72, STRING_SIZE))
            .httpName(WireText.field(b, at + 104, STRING_SIZE))
            .httpFlavor(WireText.field(b, at + 136, STRING_SIZE))
            .linkType(WireText.field(b, at + 168, STRING_SIZE))
            .language(WireText.field(b, at + 200, STRING_SIZE))
            .build();
    }

    private static long unsigned(int value) {
        return value & 0xffffffffL;
    }
}
