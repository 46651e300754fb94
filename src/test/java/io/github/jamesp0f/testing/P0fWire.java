package io.github.jamesp0f.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.github.jamesp0f.fingerprint.Fingerprint;

/**
 * Builds p0f answers byte for byte, the way the daemon writes them (integers in the host's byte
 * order, fixed-size strings copied without a NUL when they fill their field). For fakes and
 * fixtures; the client's own decoders live in {@code io.github.jamesp0f.client.protocol}.
 */
public final class P0fWire {

    public static final int V3_MAGIC_ANSWER = 0x50304602;
    public static final int V3_STATUS_BADQUERY = 0x00;
    public static final int V3_STATUS_OK = 0x10;
    public static final int V3_STATUS_NOMATCH = 0x20;
    public static final int V3_QUERY_SIZE = 21;
    public static final int V3_ANSWER_SIZE = 232;

    public static final int V2_MAGIC = 0x0defaced;
    public static final int V2_QUERY_SIZE = 24;
    public static final int V2_ANSWER_SIZE = 144;
    public static final int V2_TYPE_OK = 0;
    public static final int V2_TYPE_BADQUERY = 1;
    public static final int V2_TYPE_NOMATCH = 2;

    private P0fWire() {
    }

    /** A v3 OK answer carrying {@code fingerprint}; absent values written as p0f's "unknown". */
    public static byte[] v3Ok(Fingerprint fingerprint) {
        ByteBuffer b = v3Header(V3_STATUS_OK);
        b.putInt(8, (int) fingerprint.firstSeen().map(i -> i.getEpochSecond()).orElse(0L).longValue());
        b.putInt(12, (int) fingerprint.lastSeen().map(i -> i.getEpochSecond()).orElse(0L).longValue());
        b.putInt(16, (int) fingerprint.totalConnections().orElse(0));
        b.putInt(20, (int) fingerprint.uptimeMinutes().orElse(0));
        b.putInt(24, (int) fingerprint.upModDays().orElse(0));
        b.putInt(28, (int) fingerprint.lastNat().map(i -> i.getEpochSecond()).orElse(0L).longValue());
        b.putInt(32, (int) fingerprint.lastChange().map(i -> i.getEpochSecond()).orElse(0L).longValue());
        b.putShort(36, (short) fingerprint.distance().orElse(255));
        b.put(38, (byte) fingerprint.badSoftware().orElse(0));
        b.put(39, (byte) fingerprint.osMatchQuality().orElse(0));
        putString(b, 40, 32, fingerprint.osName().orElse(""));
        putString(b, 72, 32, fingerprint.osFlavor().orElse(""));
        putString(b, 104, 32, fingerprint.httpName().orElse(""));
        putString(b, 136, 32, fingerprint.httpFlavor().orElse(""));
        putString(b, 168, 32, fingerprint.linkType().orElse(""));
        putString(b, 200, 32, fingerprint.language().orElse(""));
        return b.array();
    }

    public static byte[] v3NoMatch() {
        return v3Header(V3_STATUS_NOMATCH).array();
    }

    public static byte[] v3BadQuery() {
        return v3Header(V3_STATUS_BADQUERY).array();
    }

    /** A v2 answer of the given type echoing {@code id}; the fingerprint may be null for non-OK types. */
    public static byte[] v2Answer(int id, int type, Fingerprint fingerprint) {
        ByteBuffer b = ByteBuffer.allocate(V2_ANSWER_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, V2_MAGIC);
        b.putInt(4, id);
        b.put(8, (byte) type);
        b.put(69, (byte) -1);
        b.putShort(134, (short) -100);
        b.putInt(140, -1);
        if (fingerprint != null) {
            putString(b, 9, 20, fingerprint.osName().orElse(""));
            putString(b, 29, 40, fingerprint.osFlavor().orElse(""));
            b.put(69, (byte) fingerprint.distance().orElse(-1));
            putString(b, 70, 30, fingerprint.linkType().orElse(""));
            b.putInt(140, (int) fingerprint.uptimeHours().orElse(-1));
        }
        return b.array();
    }

    private static ByteBuffer v3Header(int status) {
        ByteBuffer b = ByteBuffer.allocate(V3_ANSWER_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, V3_MAGIC_ANSWER);
        b.putInt(4, status);
        return b;
    }

    private static void putString(ByteBuffer b, int offset, int size, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < Math.min(size, bytes.length); i++) {
            b.put(offset + i, bytes[i]);
        }
    }
}
