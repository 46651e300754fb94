package io.github.jamesp0f.client.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads p0f's fixed-size text fields without allocating for labels seen before: p0f answers
 * with a few dozen distinct labels ("Linux", "Windows", "Ethernet or modem"), so after the first
 * few answers every label comes from here. One per decoding thread; not thread-safe.
 */
final class LabelCache {

    private static final ThreadLocal<LabelCache> PER_THREAD = ThreadLocal.withInitial(LabelCache::new);
    private static final int SLOTS = 128;
    private static final int MAX_FIELD = 40;

    private final byte[] scratch = new byte[MAX_FIELD];
    private final String[] labels = new String[SLOTS];

    static LabelCache forThisThread() {
        return PER_THREAD.get();
    }

    /**
     * The string in a fixed-size field: up to the first NUL, or the whole field when p0f filled it
     * (it copies labels such as "10.9 or newer (sometimes iPhone or iPad)" without a NUL).
     */
    String read(ByteBuffer b, int offset, int size) {
        int length = 0;
        int hash = 0;
        while (length < size) {
            byte c = b.get(offset + length);
            if (c == 0) {
                break;
            }
            scratch[length++] = c;
            hash = 31 * hash + c;
        }
        if (length == 0) {
            return "";
        }
        int slot = (hash & Integer.MAX_VALUE) % SLOTS;
        String known = labels[slot];
        if (known != null && sameText(known, length)) {
            return known;
        }
        String label = new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
        labels[slot] = label;
        return label;
    }

    private boolean sameText(String known, int length) {
        if (known.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (known.charAt(i) != (char) (scratch[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
