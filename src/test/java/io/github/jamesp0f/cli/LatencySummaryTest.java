package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void nearestRankPercentilesAndThroughput() {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            nanos[nanos.length - 1 - i] = (i + 1) * 1_000L;
        }

        LatencySummary summary = LatencySummary.of(nanos, 1_000_000L);

        assertThat(summary.line()).isEqualTo("lookups/s: 100000 p50_us: 50.0 p99_us: 99.0");
    }
}
