package io.github.jamesp0f.client.protocol;

import java.nio.charset.StandardCharsets;

/** Fixtures written as hex, the way a packet capture shows them. */
final class Hex {

    private Hex() {
    }

    /** Bytes from hex pairs; spaces and line breaks are ignored. */
    static byte[] bytes(String hex) {
        String clean = hex.replaceAll("\\s", "");
        byte[] out = new byte[clean.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /** {@code text} as hex, padded with zeros (or cut) to {@code size} bytes. */
    static String field(String text, int size) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(String.format("%02x", i < b.length ? b[i] : 0));
        }
        return sb.toString();
    }

    static String zeros(int size) {
        return field("", size);
    }
}
