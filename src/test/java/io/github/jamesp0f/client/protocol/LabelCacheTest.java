package io.github.jamesp0f.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LabelCacheTest {

    private final LabelCache labels = new LabelCache();

    @Test
    void aLabelSeenBeforeIsTheSameStringAndDifferentLabelsStayApart() {
        String first = labels.read(field("Windows"), 0, 32);
        String again = labels.read(field("Windows"), 0, 32);
        assertThat(again).isEqualTo("Windows").isSameAs(first);

        // Many labels, so that some share a slot: each must still read as itself.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 500; i++) {
                assertThat(labels.read(field("label " + i), 0, 32)).isEqualTo("label " + i);
            }
        }
    }

    @Test
    void readsToTheFirstNulOrTheWholeField() {
        assertThat(labels.read(field("10.9 or newer (sometimes iPhone or iPad)"), 0, 32))
            .isEqualTo("10.9 or newer (sometimes iPhone ");
        assertThat(labels.read(field(""), 0, 32)).isEmpty();
        assertThat(labels.read(field("Linux"), 0, 3)).isEqualTo("Lin");
    }

    @Test
    void bytesAbove127AreKeptAsLatin1() {
        ByteBuffer b = ByteBuffer.allocate(32).put(0, (byte) 0xe9);
        assertThat(labels.read(b, 0, 32)).isEqualTo("\u00e9");
    }

    private static ByteBuffer field(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(bytes, 0, Math.min(bytes.length, 64));
        return b;
    }
}
