package io.github.jamesp0f.client.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Small pieces both wire formats share: fixed-size strings, hex in messages. */
final class WireText {

    private WireText() {
    }

    /**
     * The string in a fixed-size field: up to the first NUL, or the whole field when p0f filled it
     * (it copies labels such as "10.9 or newer (sometimes iPhone or iPad)" without a NUL).
     */
    static String fixedString(ByteBuffer b, int offset, int size) {
        int end = offset;
        int limit = offset + size;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        if (end == offset) {
            return "";
        }
        byte[] bytes = new byte[end - offset];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = b.get(offset + i);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
