package io.github.jamesp0f.benchmarks;

import org.openjdk.jmh.Main;

/**
 * Runs the JMH benchmarks with the GC profiler (heap allocated per operation). Kept out of the test
 * run (no {@code *Test} name). Any JMH command-line arguments replace the defaults, e.g.
 * {@code -p p0f=fake} or {@code -t 16}. Command: see the README's "Benchmarks" section.
 */
public final class RunBenchmarks {

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Main.main(args.length > 0 ? args : new String[] {"-prof", "gc", LookupBenchmark.class.getSimpleName()});
    }
}
