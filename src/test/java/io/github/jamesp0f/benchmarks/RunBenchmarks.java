package io.github.jamesp0f.benchmarks;

import org.openjdk.jmh.Main;

/**
 * Runs the JMH benchmarks with the GC profiler (heap allocated per operation): the client's lookup
 * and the raw round trip under it, both against a real p0f (root). Kept out of the test run (no
 * {@code *Test} name). Any JMH command-line arguments replace the defaults, e.g.
 * {@code -prof gc -p p0f=fake LookupBenchmark} where there is no root (that figure includes the
 * fake server's own allocation, which runs in the same JVM) or {@code -t 16}. Command: see the
 * README's "Benchmarks" section.
 */
public final class RunBenchmarks {

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Main.main(args.length > 0 ? args : new String[] {"-prof", "gc", "-p", "p0f=real",
            LookupBenchmark.class.getSimpleName(), RawRoundTripBenchmark.class.getSimpleName()});
    }
}
