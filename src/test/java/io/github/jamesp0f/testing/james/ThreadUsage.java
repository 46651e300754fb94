package io.github.jamesp0f.testing.james;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time and wake-ups of one JVM's threads, summed by kind of thread, read from Linux's
 * {@code /proc/PID/task/TID/schedstat} (nanoseconds on CPU, and how many times the thread was
 * put on a CPU) and {@code comm} (the thread's name, cut at 15 characters). For the load
 * harness: only one SMTP server is loaded at a time, so the difference between two readings
 * splits that scenario's James CPU time into SMTP threads (Netty's I/O threads and James's SMTP
 * executor threads), the spooler (mailets), the p0f client's own threads, GC, JIT and the rest, and
 * counts the wake-ups each kind needed: the thread hand-offs a design costs show up there.
 */
final class ThreadUsage {

    static final String SMTP = "smtp";
    static final String SPOOLER = "spooler";
    static final String P0F = "p0f client";
    static final String GC = "GC";
    static final String JIT = "JIT";
    static final String OTHER = "other";
    static final List<String> KINDS = List.of(SMTP, SPOOLER, P0F, GC, JIT, OTHER);

    /** Per thread id: its kind, nanoseconds on CPU, times scheduled. */
    private final Map<String, Sample> threads;

    private ThreadUsage(Map<String, Sample> threads) {
        this.threads = threads;
    }

    /** The threads of process {@code pid} now; empty when /proc cannot be read. */
    static ThreadUsage read(long pid) {
        Map<String, Sample> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Paths.get("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String comm = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.US_ASCII).trim();
                    String[] stat = new String(Files.readAllBytes(task.resolve("schedstat")), StandardCharsets.US_ASCII)
                        .trim().split(" ");
                    threads.put(task.getFileName().toString(),
                        new Sample(kind(comm), Long.parseLong(stat[0]), Long.parseLong(stat[2])));
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            });
        } catch (IOException e) {
            // The process ended: nothing to read.
        }
        return new ThreadUsage(threads);
    }

    private static String kind(String comm) {
        if (comm.startsWith("smtpserver")) {
            return SMTP;
        }
        if (comm.startsWith("spooler")) {
            return SPOOLER;
        }
        if (comm.startsWith("p0f-")) {
            return P0F;
        }
        if (comm.startsWith("GC ") || comm.startsWith("G1 ")) {
            return GC;
        }
        if (comm.contains("CompilerThre")) {
            return JIT;
        }
        return OTHER;
    }

    /**
     * What each kind used since {@code earlier}: CPU nanoseconds and wake-ups, by kind. Threads
     * born since count whole; threads that ended since are lost (few, in a warm James).
     */
    Map<String, long[]> since(ThreadUsage earlier) {
        Map<String, long[]> byKind = new LinkedHashMap<>();
        for (String kind : KINDS) {
            byKind.put(kind, new long[2]);
        }
        threads.forEach((tid, now) -> {
            Sample before = earlier.threads.get(tid);
            long[] sum = byKind.get(now.kind);
            sum[0] += now.cpuNanos - (before != null ? before.cpuNanos : 0);
            sum[1] += now.runs - (before != null ? before.runs : 0);
        });
        return byKind;
    }

    private static final class Sample {
        final String kind;
        final long cpuNanos;
        final long runs;

        Sample(String kind, long cpuNanos, long runs) {
            this.kind = kind;
            this.cpuNanos = cpuNanos;
            this.runs = runs;
        }
    }
}
