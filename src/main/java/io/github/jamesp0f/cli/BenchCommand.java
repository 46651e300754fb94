package io.github.jamesp0f.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.transport.P0fClientFactory;

/**
 * {@code bench}: C callers each run lookups one after another through the client until N lookups
 * are done; prints throughput and latency percentiles. The cache and the no-match retry are off,
 * so every lookup is one round trip to p0f.
 *
 * <p>By default each caller is a thread that waits for its answer before asking again. With
 * {@code --async} the C callers are chains of callbacks instead: each answer starts the chain's
 * next lookup, and no thread waits. That is how James uses the client (its network threads start a
 * lookup and return), and it spares the measurement a thread wake-up per lookup, which on a
 * two-core machine costs as much CPU as p0f's answer.
 */
final class BenchCommand implements Command {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1000);
    static final int DEFAULT_WARMUP = 20_000;
    static final int MAX_LOOKUPS = 50_000_000;
    static final int MAX_CONCURRENCY = 1024;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String usage() {
        return "bench (--socket PATH | --p0f-address IP:PORT) --address ADDRESS --lookups N [--concurrency C]\n"
            + "      [--warmup W] [--connections K] [--version 2|3] [--local-address IP:PORT] [--timeout DURATION]\n"
            + "    C callers (default 1) each run lookups of ADDRESS one after another until N are done,\n"
            + "    after W warm-up lookups (default " + DEFAULT_WARMUP + "), over at most K connections (default "
            + P0fClientConfig.DEFAULT_CONNECTIONS + ").\n"
            + "    --async: the C callers are callback chains (each answer starts the next lookup) instead of\n"
            + "    threads that wait, as James's network threads use the client.\n"
            + "    Cache and no-match retry off. Last line: lookups/s: X p50_us: Y p99_us: Z";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of(ClientOptions.SOCKET, ClientOptions.P0F_ADDRESS, ClientOptions.VERSION, ClientOptions.TIMEOUT, LookupRequest.LOCAL_ADDRESS,
            "address", "lookups", "concurrency", "warmup", ClientOptions.CONNECTIONS);
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("async");
    }

    @Override
    public int run(Arguments arguments, PrintStream out, PrintStream err)
        throws UsageException, P0fUnavailableException {
        arguments.requireOperands();
        P0fClientConfig.Builder options = ClientOptions.read(arguments, DEFAULT_TIMEOUT);
        int lookups = (int) arguments.number("lookups", -1, 1, MAX_LOOKUPS);
        if (lookups < 0) {
            throw new UsageException("bench needs --lookups");
        }
        int concurrency = (int) arguments.number("concurrency", 1, 1, MAX_CONCURRENCY);
        boolean async = arguments.flag("async");
        int warmup = (int) arguments.number("warmup", DEFAULT_WARMUP, 0, MAX_LOOKUPS);
        int connections = (int) arguments.number(ClientOptions.CONNECTIONS, P0fClientConfig.DEFAULT_CONNECTIONS,
            Integer.MIN_VALUE, Integer.MAX_VALUE);
        P0fClientConfig config = ClientOptions.build(options
            .connections(connections).cacheTtl(Duration.ZERO).noMatchRetryDelay(Duration.ZERO));
        LookupRequest request = LookupRequest.of("--address", arguments.required("address"),
            arguments.value(LookupRequest.LOCAL_ADDRESS).orElse(null), config.version());

        UnixSockets.loadFor(config.endpoint());
        try (P0fClient client = P0fClientFactory.create(config)) {
            P0fLookup probe = request.run(client, config);
            if (probe.status() == P0fLookup.Status.FAILED) {
                throw new P0fUnavailableException(probe.failure().get().message());
            }
            out.println(String.format(Locale.ROOT, "bench: p0f %s at %s, %s (%s), %d lookups after %d warm-up, "
                    + "%d %s, at most %d connections, cache off", config.version(), config.endpoint(), request,
                probe.status() == P0fLookup.Status.MATCH ? "known to p0f" : "no match", lookups, warmup, concurrency,
                async ? "callback chains" : "waiting callers", connections));
            new Run(client, request, config, warmup, concurrency, false).execute(async);
            Run measured = new Run(client, request, config, lookups, concurrency, true);
            measured.execute(async);
            LatencySummary summary = LatencySummary.of(measured.latencies, measured.elapsedNanos);
            out.println(String.format(Locale.ROOT, "answers: %d match, %d no match, %d failed%s",
                measured.matches.sum(), measured.noMatches.sum(), measured.failedCount(), measured.failureKinds()));
            out.println(summary.line());
            if (measured.failedCount() > 0) {
                err.println(P0fTool.NAME + ": " + measured.failedCount() + " of " + lookups + " lookups failed"
                    + measured.failureKinds() + "; the figures include them");
                return ExitCode.P0F_FAILED;
            }
            return ExitCode.OK;
        }
    }

    /** N lookups spread over C callers; each caller has one lookup in flight at a time. */
    private static final class Run {
        private final P0fClient client;
        private final LookupRequest request;
        private final long waitBoundMillis;
        private final int lookups;
        private final int concurrency;
        private final long[] latencies;
        private final AtomicInteger next = new AtomicInteger();
        private final LongAdder matches = new LongAdder();
        private final LongAdder noMatches = new LongAdder();
        private final Map<P0fFailure.Kind, LongAdder> failures = new ConcurrentHashMap<>();
        private long elapsedNanos;

        Run(P0fClient client, LookupRequest request, P0fClientConfig config, int lookups, int concurrency, boolean record) {
            this.client = client;
            this.request = request;
            this.waitBoundMillis = LookupRequest.waitBound(config).toMillis();
            this.lookups = lookups;
            this.concurrency = concurrency;
            this.latencies = record ? new long[lookups] : null;
        }

        void execute(boolean async) throws P0fUnavailableException {
            if (async) {
                executeChains();
            } else {
                executeThreads();
            }
        }

        private void executeThreads() throws P0fUnavailableException {
            Thread[] callers = new Thread[Math.min(concurrency, Math.max(1, lookups))];
            for (int i = 0; i < callers.length; i++) {
                callers[i] = new Thread(this::call, "bench-caller-" + i);
                callers[i].setDaemon(true);
            }
            long start = System.nanoTime();
            for (Thread caller : callers) {
                caller.start();
            }
            try {
                for (Thread caller : callers) {
                    caller.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new P0fUnavailableException("interrupted during the benchmark");
            }
            elapsedNanos = System.nanoTime() - start;
        }

        private void call() {
            int i;
            while ((i = next.getAndIncrement()) < lookups) {
                long started = System.nanoTime();
                record(i, started, await());
            }
        }

        private void executeChains() throws P0fUnavailableException {
            int chains = Math.min(concurrency, Math.max(1, lookups));
            CountDownLatch finished = new CountDownLatch(chains);
            long start = System.nanoTime();
            for (int c = 0; c < chains; c++) {
                continueChain(finished);
            }
            try {
                // Every lookup completes within its timeout, so a chain ends within its share of them.
                long bound = waitBoundMillis * ((long) lookups / chains + 1);
                if (!finished.await(bound, TimeUnit.MILLISECONDS)) {
                    throw new P0fUnavailableException("the benchmark did not finish within " + bound + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new P0fUnavailableException("interrupted during the benchmark");
            }
            elapsedNanos = System.nanoTime() - start;
        }

        /** Starts the chain's next lookup from the previous one's callback; loops, not recurses, when answers come at once. */
        private void continueChain(CountDownLatch finished) {
            int i;
            while ((i = next.getAndIncrement()) < lookups) {
                int index = i;
                long started = System.nanoTime();
                CompletableFuture<P0fLookup> lookup = request.start(client);
                if (!lookup.isDone()) {
                    lookup.whenComplete((answer, error) -> {
                        record(index, started, error == null ? answer : null);
                        continueChain(finished);
                    });
                    return;
                }
                record(index, started, lookup.getNow(null));
            }
            finished.countDown();
        }

        private void record(int i, long started, P0fLookup lookup) {
            long took = System.nanoTime() - started;
            if (latencies != null) {
                latencies[i] = took;
            }
            if (lookup == null) {
                failed(P0fFailure.Kind.TIMEOUT);
            } else if (lookup.status() == P0fLookup.Status.MATCH) {
                matches.increment();
            } else if (lookup.status() == P0fLookup.Status.NO_MATCH) {
                noMatches.increment();
            } else {
                failed(lookup.failure().get().kind());
            }
        }

        /** The answer, or null when the future broke its promise to complete in time. */
        private P0fLookup await() {
            try {
                return request.start(client).get(waitBoundMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | CompletionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private void failed(P0fFailure.Kind kind) {
            failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        long failedCount() {
            return failures.values().stream().mapToLong(LongAdder::sum).sum();
        }

        String failureKinds() {
            if (failures.isEmpty()) {
                return "";
            }
            Map<P0fFailure.Kind, Long> sorted = new EnumMap<>(P0fFailure.Kind.class);
            failures.forEach((kind, count) -> sorted.put(kind, count.sum()));
            return sorted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
        }
    }
}
