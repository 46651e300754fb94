package io.github.jamesp0f.testing.james;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jamesp0f.testing.RealP0f;

/**
 * SMTP throughput of a real in-memory James with and without james-p0f: 32 parallel clients
 * (connect, EHLO, MAIL, RCPT, DATA of a small message, QUIT) against James without the extension,
 * with it and a live p0f, with p0f stalled (SIGSTOP), and with p0f's socket missing. Prints
 * sessions/s and the ratio of each to the run without the extension. A benchmark, not a test:
 * run it with {@code bench/smtp-load} (see README), never from {@code mvn verify}.
 *
 * <p>System properties: {@code load.clients} (32), {@code load.rounds} (3), {@code load.seconds}
 * (5 per scenario and round, after 2 s of warm-up), {@code load.warmupSeconds} (10, JVM warm-up). The p0f client runs with {@code cacheTtl 0}, so every session
 * really asks p0f: the worst case for the extension.
 */
public final class SmtpLoadHarness {

    private static final String RECIPIENT = "user@example.test";
    private static final String MESSAGE = "From: load@elsewhere.test\r\nTo: " + RECIPIENT
        + "\r\nSubject: load\r\n\r\nA small message.\r\n";

    private final int clients = Integer.getInteger("load.clients", 32);
    private final int seconds = Integer.getInteger("load.seconds", 5);
    private final int rounds = Integer.getInteger("load.rounds", 3);
    private final int warmupSeconds = Integer.getInteger("load.warmupSeconds", 10);

    public static void main(String[] args) throws Exception {
        RealP0f.assumeAvailable();
        new SmtpLoadHarness().run();
        System.exit(0);
    }

    private enum Scenario {
        WITHOUT_EXTENSION("without extension"), LIVE("live p0f"), STALLED("p0f stalled"), MISSING("socket missing");

        private final String label;

        Scenario(String label) {
            this.label = label;
        }
    }

    /**
     * Scenarios measured in turns, round after round, each in a freshly started James (one at a
     * time: Jameses in one JVM would clash on JMX names) after a warm-up of its own; the JVM's JIT
     * is warmed once before the first round. Each scenario's figure is its median round.
     */
    private void run() throws Exception {
        System.out.println("warming up the JVM");
        measure(Scenario.LIVE, warmupSeconds, 0);
        measure(Scenario.WITHOUT_EXTENSION, warmupSeconds, 0);
        Map<Scenario, List<Result>> results = new EnumMap<>(Scenario.class);
        for (int round = 1; round <= rounds; round++) {
            // Each round starts one scenario later: every run leaves thousands of loopback sockets in
            // TIME_WAIT for a minute, which slows the connects of whichever scenario always came last.
            Scenario[] order = Scenario.values();
            for (int turn = 0; turn < order.length; turn++) {
                Scenario scenario = order[(round - 1 + turn) % order.length];
                Result result = measure(scenario, 2, seconds);
                results.computeIfAbsent(scenario, s -> new ArrayList<>()).add(result);
                System.out.printf(Locale.ROOT, "round %d %-18s %8.1f sessions/s, %d errors%n", round,
                    scenario.label, result.perSecond(), result.errors);
            }
        }
        print(results);
    }

    private Result measure(Scenario scenario, int warmup, int measured) throws Exception {
        int port = JamesTestServer.freePort();
        Path temp = Files.createTempDirectory("p0f-load");
        RealP0f p0f = null;
        try {
            String socket = temp.resolve("missing.sock").toString();
            if (scenario == Scenario.LIVE || scenario == Scenario.STALLED) {
                p0f = RealP0f.builder().watchPort(port).start();
                socket = p0f.socketPath().toString();
            }
            try (JamesTestServer james = start(scenario, port, socket)) {
                if (scenario == Scenario.STALLED) {
                    p0f.stall();
                }
                load(port, warmup);
                return measured == 0 ? null : load(port, measured);
            }
        } finally {
            if (p0f != null) {
                p0f.close();
            }
            JamesTestServer.deleteRecursively(temp);
        }
    }

    private void print(Map<Scenario, List<Result>> results) {
        double baseline = median(results.get(Scenario.WITHOUT_EXTENSION));
        System.out.println();
        System.out.printf(Locale.ROOT, "%d clients; median of %d rounds of %d s per scenario (fresh James, 2 s warm-up)%n",
            clients, rounds, seconds);
        System.out.printf(Locale.ROOT, "%-20s %12s %8s %8s%n", "scenario", "sessions/s", "ratio", "errors");
        for (Scenario scenario : Scenario.values()) {
            double median = median(results.get(scenario));
            long errors = results.get(scenario).stream().mapToLong(r -> r.errors).sum();
            System.out.printf(Locale.ROOT, "%-20s %12.1f %8.3f %8d%n", scenario.label, median, median / baseline, errors);
        }
    }

    private static double median(List<Result> results) {
        double[] rates = results.stream().mapToDouble(Result::perSecond).sorted().toArray();
        return rates.length % 2 == 1 ? rates[rates.length / 2]
            : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
    }

    private static JamesTestServer start(Scenario scenario, int port, String socket) throws Exception {
        JamesTestServer.Builder builder = JamesTestServer.builder().user(RECIPIENT, "secret");
        if (scenario == Scenario.WITHOUT_EXTENSION) {
            // No handler, no p0f mailets, no jar: James as if james-p0f were not installed.
            builder.withoutExtension()
                .smtpServer(SampleConfigs.smtpServerWithoutExtension(port))
                .mailetContainer(SampleConfigs.mailetContainer()
                    .remove("//mailet[starts-with(@class, 'io.github.jamesp0f.')]")
                    .remove("//mailet[starts-with(@match, 'io.github.jamesp0f.')]"));
        } else {
            builder.smtpServer(SampleConfigs.smtpServer(port, socket).setChild(SampleConfigs.HANDLER, "cacheTtl", "0"))
                .mailetContainer(SampleConfigs.mailetContainer());
        }
        return builder.start();
    }


    private Result load(int port, int durationSeconds) throws Exception {
        InetAddress server = InetAddress.getByName("127.0.0.1");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sessions = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            // 127.0.0.1 only: James resolves each client's address (reverse DNS, on its I/O thread), and
            // only 127.0.0.1 is in /etc/hosts here; other addresses would measure the DNS server.
            InetAddress source = server;
            workers.add(pool.submit(() -> {
                while (running.get()) {
                    try (SmtpTestClient smtp = SmtpTestClient.connect(server, port, source)) {
                        int code = smtp.sendMail("load@elsewhere.test", RECIPIENT, MESSAGE);
                        smtp.quit();
                        if (code == 250) {
                            sessions.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(durationSeconds * 1000L);
        running.set(false);
        for (Future<?> worker : workers) {
            worker.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        return new Result(sessions.get(), errors.get(), elapsed);
    }

    private static final class Result {
        private final long sessions;
        private final long errors;
        private final long nanos;

        Result(long sessions, long errors, long nanos) {
            this.sessions = sessions;
            this.errors = errors;
            this.nanos = nanos;
        }

        double perSecond() {
            return sessions * 1e9 / nanos;
        }
    }
}
