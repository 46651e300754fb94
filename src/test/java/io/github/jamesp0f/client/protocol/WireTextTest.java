package io.github.jamesp0f.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WireTextTest {

    @Test
    void readsToTheFirstNulOrTheWholeField() {
        assertThat(WireText.field(field("10.9 or newer (sometimes iPhone or iPad)"), 0, 32))
            .isEqualTo("10.9 or newer (sometimes iPhone ");
        assertThat(WireText.field(field(""), 0, 32)).isEmpty();
        assertThat(WireText.field(field("Linux"), 0, 3)).isEqualTo("Lin");
        assertThat(WireText.field(field("xxWindows"), 2, 32)).isEqualTo("Windows");
    }

    @Test
    void bytesAbove127AreKeptAsLatin1() {
        ByteBuffer b = ByteBuffer.allocate(32).put(0, (byte) 0xe9);
        assertThat(WireText.field(b, 0, 32)).isEqualTo("\u00e9");
    }

    private static ByteBuffer field(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(bytes, 0, Math.min(bytes.length, 64));
        return b;
    }
}
