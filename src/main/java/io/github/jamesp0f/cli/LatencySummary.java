package io.github.jamesp0f.cli;

import java.util.Arrays;
import java.util.Locale;

/** Throughput and latency percentiles of a benchmark run. */
final class LatencySummary {

    private final double lookupsPerSecond;
    private final double p50Micros;
    private final double p99Micros;

    private LatencySummary(double lookupsPerSecond, double p50Micros, double p99Micros) {
        this.lookupsPerSecond = lookupsPerSecond;
        this.p50Micros = p50Micros;
        this.p99Micros = p99Micros;
    }

    /** @param latencyNanos one entry per lookup (sorted here, in place) */
    static LatencySummary of(long[] latencyNanos, long elapsedNanos) {
        if (latencyNanos.length == 0 || elapsedNanos <= 0) {
            throw new IllegalArgumentException("no lookups measured");
        }
        Arrays.sort(latencyNanos);
        return new LatencySummary(latencyNanos.length * 1e9 / elapsedNanos,
            percentile(latencyNanos, 50) / 1e3, percentile(latencyNanos, 99) / 1e3);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    double lookupsPerSecond() {
        return lookupsPerSecond;
    }

    double p50Micros() {
        return p50Micros;
    }

    double p99Micros() {
        return p99Micros;
    }

    /** The benchmark's last line, in a fixed format scripts can parse. */
    String line() {
        return String.format(Locale.ROOT, "lookups/s: %.0f p50_us: %.1f p99_us: %.1f", lookupsPerSecond, p50Micros,
            p99Micros);
    }
}
