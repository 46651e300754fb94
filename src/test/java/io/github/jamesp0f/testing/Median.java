package io.github.jamesp0f.testing;

import java.util.stream.DoubleStream;

/** The median the benchmarks quote (of rounds, of paired differences): the mean of the middle two for an even count. */
public final class Median {

    private Median() {
    }

    public static double of(DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values to take the median of");
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
