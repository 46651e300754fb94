package io.github.jamesp0f.testing;

/** Bytes as hex digits and back, for packets in tests (Java 11 has no HexFormat). */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Two digits a byte; blanks are skipped, so that fields may be spaced out. */
    public static byte[] bytes(String text) {
        String digits = text.replace(" ", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("an odd number of hex digits: " + text);
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    public static String text(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            text.append(DIGITS[(b >> 4) & 0x0F]).append(DIGITS[b & 0x0F]);
        }
        return text.toString();
    }
}
