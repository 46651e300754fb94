package io.github.jamesp0f.greylist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.james.TestSmtpSession;
import io.github.jamesp0f.testing.RealPostgres;

/**
 * Prints RCPT decisions per second for both stores and the memory store's heap per million
 * triplets. Not a test: run it by hand (see docs/benchmarks.md):
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.jamesp0f.greylist.GreylistBenchmark</pre>
 */
public final class GreylistBenchmark {

    private static final int RUNS = 5;
    private static final int DISTINCT_TRIPLETS = 200_000;
    private static final int MEMORY_DECISIONS_PER_RUN = 2_000_000;
    private static final int POSTGRES_THREADS = 16;
    private static final long POSTGRES_RUN_MILLIS = 5_000;

    private GreylistBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Greylist benchmark: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
            + System.getProperty("java.version") + ", median of " + RUNS + " runs, load average " + loadAverage());
        Triplet[] triplets = triplets(DISTINCT_TRIPLETS);
        memoryStoreDecisions(triplets);
        handlerDecisions();
        mixedClients();
        memoryPerMillion();
        postgresDecisions(triplets);
    }

    private static Triplet[] triplets(int count) {
        Triplet[] triplets = new Triplet[count];
        for (int i = 0; i < count; i++) {
            triplets[i] = Triplet.of("198.51." + (i >> 8 & 255) + "." + (i & 255),
                "sender" + i + "@example.com", "user" + (i % 1000) + "@example.org");
        }
        return triplets;
    }

    /** One thread, store calls only, time advancing 5 ms per call so each triplet comes back after the block time and passes. */
    private static void memoryStoreDecisions(Triplet[] triplets) {
        double[] rates = new double[RUNS + 1];
        for (int run = 0; run <= RUNS; run++) {
            MemoryGreylistStore store = new MemoryGreylistStore(GreylistPeriods.defaults(), 1_000_000);
            long now = 1_800_000_000_000L;
            long start = System.nanoTime();
            long passed = 0;
            for (int i = 0; i < MEMORY_DECISIONS_PER_RUN; i++) {
                if (store.record(triplets[i % triplets.length], now + i * 5L) == GreylistDecision.PASSED) {
                    passed++;
                }
            }
            rates[run] = MEMORY_DECISIONS_PER_RUN / seconds(start);
            if (passed == 0) {
                throw new IllegalStateException("nothing passed: the benchmark is not exercising the store");
            }
        }
        print("memory store, 1 thread, store.record", Arrays.copyOfRange(rates, 1, rates.length)); // run 0 warms up
    }

    /** The whole RCPT hook: relay check, fingerprint, OS regex, triplet building, memory store. */
    private static void handlerDecisions() throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("os", "^windows");
        config.addProperty("blockTime", "0s");
        // As measured before auto-whitelisting existed: every decision goes to the triplet store.
        config.addProperty("autoWhitelistAfter", "0");
        P0fGreylistHandler handler = new P0fGreylistHandler(new P0fMetrics(new RecordingMetricFactory()),
            Clock.systemUTC(), null);
        handler.init(config);
        P0fLookup windows = P0fLookup.match(Fingerprint.builder(3).osName("Windows").osFlavor("7 or 8").build());
        int sessions = 1000;
        TestSmtpSession[] clients = new TestSmtpSession[sessions];
        for (int i = 0; i < sessions; i++) {
            clients[i] = LookedUpSession.from("203.0.113." + (i & 255), windows);
        }
        MaybeSender sender = MaybeSender.getMailSender("sender@example.com");
        MailAddress[] recipients = new MailAddress[100];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = new MailAddress("user" + i + "@example.org");
        }
        double[] rates = new double[RUNS + 1];
        for (int run = 0; run <= RUNS; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < MEMORY_DECISIONS_PER_RUN; i++) {
                handler.doRcpt(clients[i % sessions], sender, recipients[i % recipients.length]);
            }
            rates[run] = MEMORY_DECISIONS_PER_RUN / seconds(start);
        }
        handler.destroy();
        print("memory store, 1 thread, whole RCPT hook", Arrays.copyOfRange(rates, 1, rates.length));
    }

    /**
     * Issue #11's figure: whole transactions (connect and RCPT hooks) from 1,000 clients of which
     * 10% are Windows, with the FCrDNS exemptions on (the default list; the Windows clients' names
     * are confirmed but not exempt, answered from the per-address cache as in a warm James) and off.
     * The other 90% never reach the DNS code: their rate should not move.
     */
    private static void mixedClients() throws Exception {
        mixedClients(10);
        mixedClients(0);
    }

    /** {@code windowsPercent} of the 1,000 clients are Windows (0: the figure for the clients that are not). */
    private static void mixedClients(int windowsPercent) throws Exception {
        double[] on = new double[RUNS + 1];
        double[] off = new double[RUNS + 1];
        for (int run = 0; run <= RUNS; run++) {
            // Interleaved, so that both see the same machine.
            on[run] = mixedRun(true, windowsPercent);
            off[run] = mixedRun(false, windowsPercent);
        }
        String clients = "clients (" + windowsPercent + "% Windows), whole transaction, exemptions ";
        print(clients + "on", Arrays.copyOfRange(on, 1, on.length));
        print(clients + "off", Arrays.copyOfRange(off, 1, off.length));
        double[] ratios = new double[RUNS];
        for (int run = 1; run <= RUNS; run++) {
            ratios[run - 1] = on[run] / off[run];
        }
        Arrays.sort(ratios);
        System.out.printf("  exemptions on / off: median ratio %.3f%n", ratios[RUNS / 2]);
    }

    private static double mixedRun(boolean exemptions, int windowsPercent) throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("os", "^windows");
        config.addProperty("blockTime", "0s");
        config.addProperty("autoWhitelistAfter", "0");
        if (!exemptions) {
            config.addProperty("exemptHostnamesFile", "none");
        }
        java.util.function.Function<java.net.InetAddress, java.util.concurrent.CompletableFuture<io.github.jamesp0f.dns.ReverseName>>
            dns = address -> java.util.concurrent.CompletableFuture.completedFuture(
                io.github.jamesp0f.dns.ReverseName.confirmed("host-" + address.getHostAddress().replace('.', '-') + ".isp.example"));
        P0fGreylistHandler handler = new P0fGreylistHandler(new P0fMetrics(new RecordingMetricFactory()),
            Clock.systemUTC(), null, parsed -> dns, java.io.File::new);
        handler.init(config);
        P0fLookup windows = P0fLookup.match(Fingerprint.builder(3).osName("Windows").osFlavor("7 or 8").build());
        P0fLookup linux = P0fLookup.match(Fingerprint.builder(3).osName("Linux").osFlavor("3.11 and newer").build());
        int sessions = 1000;
        String[] addresses = new String[sessions];
        P0fLookup[] lookups = new P0fLookup[sessions];
        for (int i = 0; i < sessions; i++) {
            addresses[i] = "203.0." + (i >> 8) + "." + (i & 255);
            lookups[i] = i % 100 < windowsPercent ? windows : linux;
        }
        MaybeSender sender = MaybeSender.getMailSender("sender@example.com");
        MailAddress recipient = new MailAddress("user@example.org");
        // About a second or more per run: shorter runs measured the JIT and the machine's load.
        int transactions = MEMORY_DECISIONS_PER_RUN * 2;
        long start = System.nanoTime();
        for (int i = 0; i < transactions; i++) {
            // A new session per transaction, as each SMTP connection is: the DNS answer comes from the cache.
            TestSmtpSession session = LookedUpSession.from(addresses[i % sessions], lookups[i % sessions]);
            handler.onConnect(session);
            handler.doRcpt(session, sender, recipient);
        }
        double rate = transactions / seconds(start);
        handler.destroy();
        return rate;
    }

    private static void memoryPerMillion() {
        int entries = 1_000_000;
        long before = usedHeapAfterGc();
        MemoryGreylistStore store = new MemoryGreylistStore(GreylistPeriods.defaults(), entries);
        long now = 1_800_000_000_000L;
        for (int i = 0; i < entries; i++) {
            // Half waiting, half whitelisted, like a live server; the triplets themselves are garbage.
            Triplet triplet = Triplet.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255),
                "s" + i + "@example.com", "r@example.org");
            store.record(triplet, now);
            if ((i & 1) == 0) {
                store.record(triplet, now + GreylistPeriods.defaults().blockMillis());
            }
        }
        long after = usedHeapAfterGc();
        System.out.printf("memory store heap: %.1f MB per million triplets (%d entries held)%n",
            (after - before) / 1e6 * 1_000_000 / store.size(), store.size());
    }

    private static void postgresDecisions(Triplet[] triplets) throws Exception {
        if (RealPostgres.findBinaries().isEmpty()) {
            System.out.println("PostgreSQL store: skipped, no /usr/lib/postgresql/*/bin");
            return;
        }
        try (RealPostgres postgres = new RealPostgres(true)) {
            postgres.start();
            JdbcSettings settings = JdbcSettings.forUrl(postgres.url(), Optional.of(postgres.user()), "p0f_greylist")
                .withPoolSize(POSTGRES_THREADS);
            try (JdbcGreylistStore store = new JdbcGreylistStore(settings, GreylistPeriods.defaults(),
                System::currentTimeMillis)) {
                store.record(triplets[0], System.currentTimeMillis());
                double[] rates = new double[RUNS + 1];
                for (int run = 0; run <= RUNS; run++) {
                    rates[run] = postgresRun(store, triplets);
                }
                print("PostgreSQL store (durable commits), " + POSTGRES_THREADS + " threads",
                    Arrays.copyOfRange(rates, 1, rates.length));
                System.out.println("PostgreSQL rows after the runs: " + store.size());
            }
        }
    }

    private static double postgresRun(JdbcGreylistStore store, Triplet[] triplets) throws InterruptedException {
        AtomicLong decisions = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(POSTGRES_THREADS);
        long start = System.nanoTime();
        long end = System.currentTimeMillis() + POSTGRES_RUN_MILLIS;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < POSTGRES_THREADS; t++) {
            int offset = t * 7919;
            Thread thread = new Thread(() -> {
                int i = offset;
                while (System.currentTimeMillis() < end) {
                    try {
                        store.record(triplets[i++ % triplets.length], System.currentTimeMillis());
                        decisions.incrementAndGet();
                    } catch (GreylistStoreException e) {
                        failures.incrementAndGet();
                    }
                }
                done.countDown();
            });
            threads.add(thread);
            thread.start();
        }
        done.await();
        if (failures.get() > 0) {
            System.out.println("  " + failures.get() + " failed decisions in this run");
        }
        return decisions.get() / seconds(start);
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Other work on the machine skews every figure: print how busy it was. */
    private static String loadAverage() {
        try {
            return new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void print(String what, double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: median %,.0f decisions/s (min %,.0f, max %,.0f)%n",
            what, sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }
}
