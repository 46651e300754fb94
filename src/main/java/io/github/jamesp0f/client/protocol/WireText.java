package io.github.jamesp0f.client.protocol;

/** Numbers in error messages, as both wire formats show them. */
final class WireText {

    private WireText() {
    }

    static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
