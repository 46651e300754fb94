package io.github.jamesp0f.client.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Text as both wire formats carry it, and numbers as error messages show them. */
final class WireText {

    private WireText() {
    }

    /**
     * The string in a fixed-size field: up to the first NUL, or the whole field when p0f filled it
     * (it copies labels such as "10.9 or newer (sometimes iPhone or iPad)" without a NUL). Bytes
     * are Latin-1: p0f's labels are ASCII, and no byte is ever refused.
     */
    static String field(ByteBuffer b, int offset, int size) {
        int length = 0;
        while (length < size && b.get(offset + length) != 0) {
            length++;
        }
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = b.get(offset + i);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
