package io.github.jamesp0f.testing.james;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.Median;
import io.github.jamesp0f.testing.P0fRelay;
import io.github.jamesp0f.testing.ProxyHeader;
import io.github.jamesp0f.testing.RealP0f;

/**
 * SMTP throughput of a real in-memory James with and without james-p0f: 32 parallel clients
 * (connect, EHLO, MAIL, RCPT, DATA of a small message, QUIT) against an SMTP server without the
 * p0f handler, and against servers whose handler has a live p0f, a stalled one (SIGSTOP) and a
 * missing socket, and a live p0f whose answers come from the handler's cache. Prints sessions/s, the ratio of each to the server without the extension, and
 * the CPU time per session. A benchmark, not a test: run it with {@code bench/smtp-load} (see
 * README), never from {@code mvn verify}.
 *
 * <p>How it keeps the noise below the few per cent it must resolve:
 * <ul>
 * <li>Every scenario is an SMTP server of one and the same James ({@link LoadTarget}, in a JVM of
 * its own with a fixed heap). Separate Jameses in separate JVMs differed by up to 10% from each
 * other with identical configurations: each JIT compiles James its own way, and keeps compiling
 * for minutes.</li>
 * <li>The warm-up lasts until the JIT compilers have calmed down.</li>
 * <li>The load moves from server to server in short intervals, round after round, in a rotated
 * order; each interval's rate is divided by the baseline's rate in the same round, and the figure
 * quoted is the median of these paired ratios, so that slow drifts of the machine hit both sides
 * of a pair alike.</li>
 * <li>A second server without the handler ("without, again") is measured like the others: its
 * ratio shows the harness's own noise.</li>
 * <li>Mail is discarded (Null mailet), so that James does not slow down as its heap fills; clients
 * connect without binding a source port, so that the sockets each interval leaves in TIME_WAIT do
 * not slow down the next interval's connects.</li>
 * </ul>
 *
 * <p>On James 3.9 every server runs on Netty's epoll transport ({@code load.epoll}, default true
 * there), and a server whose handler reads the kernel's saved SYN instead of asking p0f ("kernel
 * source") is among the scenarios.
 *
 * <p>System properties: {@code load.clients} (32), {@code load.rounds} (10), {@code load.seconds}
 * (5, measured per scenario and round, after 1 s of ramp-up), {@code load.warmupSeconds} (600, at
 * most), {@code load.heap} (1g, James's -Xms and -Xmx), {@code load.jvmArgs} (more options for
 * James's JVM, e.g. {@code -XX:StartFlightRecording=filename=/tmp/james.jfr}), {@code load.scenarios}
 * (all but the proxied pair; a comma-separated subset of without,kernel,live,stalled,missing,cached,
 * control, or proxied (a server behind the PROXY protocol without the extension and one asking p0f
 * over TCP through the relay, every client writing a PROXY v2 header), the two servers without the
 * extension always included: fewer scenarios leave time for more rounds), {@code load.p0fMailets}
 * ({@code true}; {@code false} measures the handler and p0f without the header mailet and the OS
 * routing rule of the sample mailetcontainer.xml).
 */
public final class SmtpLoadHarness {

    /**
     * A small message with the headers every mail user agent writes. Without Date and Message-ID,
     * the first mailet that changes the message (the header mailet, but also James's own
     * SetMimeHeader) makes JavaMail generate them, a cost real mail does not bring.
     */
    private static final String MESSAGE = "Date: Sun, 22 Nov 2026 08:00:00 +0000\r\n"
        + "Message-ID: <load@elsewhere.test>\r\nFrom: load@elsewhere.test\r\nTo: " + LoadTarget.RECIPIENT
        + "\r\nSubject: load\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        + "\r\nA small message.\r\n";
    /** What a balancer writes for a client of 127.0.0.1 (the client p0f sees), to the server's port. */
    private static final IntFunction<byte[]> PROXY_HEADER = port -> ProxyHeader.v2("127.0.0.1", 40000, "127.0.0.1", port);
    private static final long RAMP_MILLIS = 1_000;
    private static final long WARMUP_SLICE_MILLIS = 20_000;
    /** Warm once James's JIT compilers used no more than this share of one CPU in the last slice. */
    private static final long QUIET_JIT_PERCENT = 2;
    /** USER_HZ: what /proc/PID/stat counts CPU time in, 100 on every Linux this runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final List<String> PASSED_PROPERTIES =
        List.of("logback.configurationFile", "basedir", "james-p0f.jar", "james.version", "james.line", "james.exit.on.startup.error",
            LoadTarget.P0F_MAILETS, LoadTarget.EPOLL);

    private final int clients = Integer.getInteger("load.clients", 32);
    private final int seconds = Integer.getInteger("load.seconds", 5);
    private final int rounds = Integer.getInteger("load.rounds", 10);
    private final int warmupSeconds = Integer.getInteger("load.warmupSeconds", 600);
    private final String heap = System.getProperty("load.heap", "1g");
    private final String jvmArgs = System.getProperty("load.jvmArgs", "");
    private final List<Long> p0fPids = new ArrayList<>();
    /** Servers whose clients write a PROXY header first. */
    private final Set<Integer> proxiedPorts = new HashSet<>();
    private final List<LoadScenario> scenarios = LoadScenario.chosen(System.getProperty("load.scenarios", ""));

    public static void main(String[] args) throws Exception {
        RealP0f.assumeAvailable();
        new SmtpLoadHarness().run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path temp = Files.createTempDirectory("p0f-load");
        Map<LoadScenario, Integer> ports = new EnumMap<>(LoadScenario.class);
        int cachedPort = FreePorts.next();
        int proxiedPort = FreePorts.next();
        // Daemon mode, as the contrib start-up files run it: p0f in the foreground prints every
        // connection it sees, which costs more CPU than fingerprinting it. It sees the proxied
        // clients' SYNs as a p0f at the edge would (they come from 127.0.0.1, as their header says).
        try (RealP0f live = RealP0f.builder().daemon().watchPort(FreePorts.next()).watchPort(cachedPort)
                 .watchPort(proxiedPort).start();
             RealP0f stalled = RealP0f.builder().daemon().watchPort(FreePorts.next()).start();
             P0fRelay relay = scenarios.contains(LoadScenario.PROXIED) ? P0fRelay.to(live.socketPath()) : null) {
            p0fPids.add(live.pid());
            p0fPids.add(stalled.pid());
            if (relay != null) {
                p0fPids.add(relay.pid());
            }
            List<String> servers = new ArrayList<>();
            for (LoadScenario scenario : scenarios) {
                // Each server as LoadTarget takes it: [proxied:]PORT, or [proxied:]PORT=ENDPOINT[=CACHETTL] for one with the handler.
                int port;
                String handler;
                switch (scenario) {
                    case LIVE:
                        port = live.watchedPort();
                        handler = "=" + live.socketPath();
                        break;
                    case CACHED:
                        port = cachedPort;
                        handler = "=" + live.socketPath() + "=60s";
                        break;
                    case STALLED:
                        port = stalled.watchedPort();
                        handler = "=" + stalled.socketPath();
                        break;
                    case MISSING:
                        port = FreePorts.next();
                        handler = "=" + temp.resolve("missing.sock");
                        break;
                    case KERNEL:
                        port = FreePorts.next();
                        handler = "=" + LoadTarget.KERNEL;
                        break;
                    case PROXIED:
                        port = proxiedPort;
                        handler = "=tcp:" + relay.listenAddress();
                        break;
                    default:
                        port = FreePorts.next();
                        handler = "";
                }
                ports.put(scenario, port);
                servers.add((scenario.proxied() ? LoadTarget.PROXIED : "") + port + handler);
                if (scenario.proxied()) {
                    proxiedPorts.add(port);
                }
            }
            try (Target james = Target.start(servers, this)) {
                stalled.stall();
                measure(james, ports);
                if (!live.isAlive()) {
                    // p0f -d keeps a stderr that is not a terminal, so its last words are in the log.
                    String log = live.log();
                    System.out.println("WARNING: the live p0f died during the run: its scenarios measured p0f gone."
                        + " The end of its output:\n" + log.substring(Math.max(0, log.length() - 2000)));
                }
            }
        } finally {
            JamesTestServer.deleteRecursively(temp);
        }
    }

    private void measure(Target james, Map<LoadScenario, Integer> ports) throws Exception {
        warmUp(james, new ArrayList<>(ports.values()));
        long jitBefore = jitCpuMillis(james.pid());
        Map<LoadScenario, List<Result>> results = new EnumMap<>(LoadScenario.class);
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < scenarios.size(); turn++) {
                LoadScenario scenario = scenarios.get((round + turn) % scenarios.size());
                results.computeIfAbsent(scenario, s -> new ArrayList<>())
                    .add(load(james, List.of(ports.get(scenario)), seconds * 1000L));
            }
            printRound(round, results);
        }
        printSummary(results);
        System.out.printf(Locale.ROOT, "JIT compiler CPU during the rounds: %d ms%n", jitCpuMillis(james.pid()) - jitBefore);
        System.out.printf(Locale.ROOT, "p0f metrics: %s%n", james.p0fCounters());
    }

    /**
     * Loads every server at once, in slices, until James's JIT compilers have calmed down (James
     * is large: C2 keeps compiling for minutes, and a James still compiling is both slower and
     * noisier), or until {@code load.warmupSeconds} have passed.
     */
    private void warmUp(Target james, List<Integer> ports) throws Exception {
        long deadline = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        int quietSlices = 0;
        while (true) {
            long before = jitCpuMillis(james.pid());
            Result slice = load(james, ports, WARMUP_SLICE_MILLIS);
            long compiling = jitCpuMillis(james.pid()) - before;
            System.out.printf(Locale.ROOT, "warming up: %.1f sessions/s, JIT compilers busy %d ms of the last %d s%n",
                slice.perSecond(), compiling, WARMUP_SLICE_MILLIS / 1000);
            // Two quiet slices in a row: a single one was once a lull, with compilation resuming after it.
            quietSlices = compiling <= WARMUP_SLICE_MILLIS * QUIET_JIT_PERCENT / 100 ? quietSlices + 1 : 0;
            if (quietSlices == 2) {
                return;
            }
            if (System.nanoTime() > deadline) {
                System.out.printf(Locale.ROOT, "warm-up stopped after %d s with the JIT still busy: figures will be noisier%n",
                    warmupSeconds);
                return;
            }
        }
    }

    private void printRound(int round, Map<LoadScenario, List<Result>> results) {
        double baseline = results.get(LoadScenario.WITHOUT_EXTENSION).get(round).perSecond();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d:", round + 1));
        for (LoadScenario scenario : scenarios) {
            Result result = results.get(scenario).get(round);
            line.append(String.format(Locale.ROOT, "  %s %.1f", scenario.label, result.perSecond()));
            if (scenario != LoadScenario.WITHOUT_EXTENSION) {
                line.append(String.format(Locale.ROOT, " (%.3f)", result.perSecond() / baseline));
            }
            if (result.errors > 0) {
                line.append(String.format(Locale.ROOT, " [%d errors: %s]", result.errors, result.firstError));
            }
        }
        System.out.println(line);
    }

    private void printSummary(Map<LoadScenario, List<Result>> results) {
        List<Result> baseline = results.get(LoadScenario.WITHOUT_EXTENSION);
        List<Result> control = results.get(LoadScenario.CONTROL);
        System.out.println();
        System.out.printf(Locale.ROOT, "%d clients; %d rounds of %d s per scenario, scenarios rotated each round;"
            + " one James %s (-Xmx%s, Java %s), one SMTP server per scenario (%s transport); p0f mailets: %s%n", clients,
            rounds, seconds, JamesTestServer.jamesVersion(), heap, Runtime.version().feature(),
            LoadTarget.epoll() ? "epoll" : "NIO", System.getProperty(LoadTarget.P0F_MAILETS, "true"));
        System.out.printf(Locale.ROOT, "%-18s %11s %7s %8s %15s %7s %13s %10s %13s%n", "scenario", "sessions/s", "ratio",
            "vs both", "ratio range", "errors", "James CPU/s.", "+vs both", "p0f CPU/s.");
        for (LoadScenario scenario : scenarios) {
            List<Result> own = results.get(scenario);
            double[] ratios = new double[own.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = own.get(i).perSecond() / baseline.get(i).perSecond();
            }
            Arrays.sort(ratios);
            // The control differs from the baseline by several per cent in some runs: against the
            // mean of both servers without the extension, one unlucky baseline weighs half as much.
            double[] toBoth = new double[own.size()];
            for (int i = 0; i < toBoth.length; i++) {
                toBoth[i] = own.get(i).perSecond() / ((baseline.get(i).perSecond() + control.get(i).perSecond()) / 2);
            }
            // The extension's James CPU per session: paired with the same round's servers without it.
            double[] cpuToBoth = new double[own.size()];
            for (int i = 0; i < cpuToBoth.length; i++) {
                cpuToBoth[i] = own.get(i).jamesCpuPerSession()
                    - (baseline.get(i).jamesCpuPerSession() + control.get(i).jamesCpuPerSession()) / 2;
            }
            long errors = own.stream().mapToLong(r -> r.errors).sum();
            System.out.printf(Locale.ROOT, "%-18s %11.1f %7.3f %8.3f %7.3f..%.3f %7d %10.0f us %+7.0f us %10.0f us%n", scenario.label,
                Median.of(own.stream().mapToDouble(Result::perSecond)), Median.of(Arrays.stream(ratios)),
                Median.of(Arrays.stream(toBoth)), ratios[0], ratios[ratios.length - 1], errors,
                Median.of(own.stream().mapToDouble(Result::jamesCpuPerSession)), Median.of(Arrays.stream(cpuToBoth)),
                Median.of(own.stream().mapToDouble(Result::p0fCpuPerSession)));
        }
        printProxied(results);
        System.out.println("sessions/s: median of the rounds; ratio: median of each round's ratio to the"
            + " baseline of the same round; vs both: the same against the mean of the baseline and the control; errors: sessions without a 250 to their DATA, all rounds;"
            + " CPU/s.: CPU time per session, median of the rounds; +vs both: James CPU per session minus the mean of"
            + " the two servers without the extension in the same round, median of the rounds");
        printThreads(results);
    }

    /** The proxied server with the extension against the proxied baseline, paired round by round. */
    private void printProxied(Map<LoadScenario, List<Result>> results) {
        List<Result> with = results.get(LoadScenario.PROXIED);
        List<Result> without = results.get(LoadScenario.PROXIED_WITHOUT);
        if (with == null || without == null) {
            return;
        }
        double[] ratios = new double[with.size()];
        double[] cpu = new double[with.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = with.get(i).perSecond() / without.get(i).perSecond();
            cpu[i] = with.get(i).jamesCpuPerSession() - without.get(i).jamesCpuPerSession();
        }
        double baselineCpu = Median.of(without.stream().mapToDouble(Result::jamesCpuPerSession));
        System.out.printf(Locale.ROOT, "%s vs %s: sessions/s ratio %.3f (rounds %.3f..%.3f), James CPU per session"
                + " %+.0f us (%+.1f%% of %.0f us), errors %d and %d%n", LoadScenario.PROXIED.label,
            LoadScenario.PROXIED_WITHOUT.label, Median.of(Arrays.stream(ratios)), Arrays.stream(ratios).min().orElse(0),
            Arrays.stream(ratios).max().orElse(0), Median.of(Arrays.stream(cpu)), 100 * Median.of(Arrays.stream(cpu)) / baselineCpu,
            baselineCpu, with.stream().mapToLong(r -> r.errors).sum(), without.stream().mapToLong(r -> r.errors).sum());
    }

    /** James's CPU time and wake-ups per session by kind of thread (ThreadUsage), medians of the rounds. */
    private void printThreads(Map<LoadScenario, List<Result>> results) {
        System.out.println();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-18s", "James threads"));
        for (String kind : ThreadUsage.KINDS) {
            header.append(String.format(Locale.ROOT, " %17s", kind));
        }
        System.out.println(header);
        for (LoadScenario scenario : scenarios) {
            List<Result> own = results.get(scenario);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s", scenario.label));
            for (String kind : ThreadUsage.KINDS) {
                line.append(String.format(Locale.ROOT, " %6.0f us %4.1f wk",
                    Median.of(own.stream().mapToDouble(r -> r.threadCpuPerSession(kind))),
                    Median.of(own.stream().mapToDouble(r -> r.wakeUpsPerSession(kind)))));
            }
            System.out.println(line);
        }
        System.out.println("James threads: CPU time (us) and wake-ups (wk) per session of each kind of James thread,"
            + " median of the rounds (smtp: I/O and SMTP executor threads; p0f client: the client's connection"
            + " and timer threads)");
    }

    /**
     * Runs the clients, spread over {@code ports}, for a ramp-up and then {@code millis}, counting
     * sessions and James's and p0f's CPU time only in the latter.
     */
    private Result load(Target james, List<Integer> ports, long millis) throws Exception {
        InetAddress server = InetAddress.getByName("127.0.0.1");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sessions = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int port = ports.get(i % ports.size());
            Thread worker = new Thread(() -> {
                while (running.get()) {
                    // No source address: the kernel then picks the source port per destination, and
                    // (tcp_tw_reuse on loopback) may reuse ports still in TIME_WAIT from earlier intervals.
                    try (SmtpTestClient smtp = proxiedPorts.contains(port)
                        ? SmtpTestClient.connectThroughProxy(server, port, PROXY_HEADER.apply(port))
                        : SmtpTestClient.connect(server, port, null)) {
                        int code = smtp.sendMail("load@elsewhere.test", LoadTarget.RECIPIENT, MESSAGE);
                        smtp.quit();
                        if (code == 250) {
                            sessions.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, smtp.lastReply().toString());
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }, "smtp-load-" + i);
            worker.start();
            workers.add(worker);
        }
        Thread.sleep(RAMP_MILLIS);
        long startSessions = sessions.get();
        long startJamesCpu = cpuMillis(james.pid());
        long startP0fCpu = p0fCpuMillis();
        ThreadUsage startThreads = ThreadUsage.read(james.pid());
        long start = System.nanoTime();
        Thread.sleep(millis);
        long endSessions = sessions.get();
        long elapsed = System.nanoTime() - start;
        long jamesCpu = cpuMillis(james.pid()) - startJamesCpu;
        long p0fCpu = p0fCpuMillis() - startP0fCpu;
        Map<String, long[]> threads = ThreadUsage.read(james.pid()).since(startThreads);
        running.set(false);
        for (Thread worker : workers) {
            worker.join();
        }
        return new Result(endSessions - startSessions, errors.get(), firstError.get(), elapsed, jamesCpu, p0fCpu, threads);
    }

    private long p0fCpuMillis() {
        return p0fPids.stream().mapToLong(SmtpLoadHarness::cpuMillis).sum();
    }

    /** User plus system CPU time of process {@code pid} (all its threads), from /proc, in milliseconds. */
    private static long cpuMillis(long pid) {
        return cpuMillis(Paths.get("/proc", Long.toString(pid), "stat"));
    }

    /** CPU time of the JIT compiler threads of JVM {@code pid}, in milliseconds. */
    private static long jitCpuMillis(long pid) {
        try (Stream<Path> threads = Files.list(Paths.get("/proc", Long.toString(pid), "task"))) {
            return threads.filter(thread -> threadName(thread).contains("CompilerThre"))
                .mapToLong(thread -> cpuMillis(thread.resolve("stat"))).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String threadName(Path thread) {
        try {
            return new String(Files.readAllBytes(thread.resolve("comm")), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static long cpuMillis(Path stat) {
        try {
            String line = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
            // Fields after the command name, which is in parentheses and may hold spaces; utime and stime are 14 and 15.
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static final class Result {
        private final long sessions;
        private final long errors;
        private final String firstError;
        private final long nanos;
        private final long jamesCpuMillis;
        private final long p0fCpuMillis;
        /** James's threads by kind ({@link ThreadUsage}): CPU nanoseconds and wake-ups. */
        private final Map<String, long[]> threads;

        Result(long sessions, long errors, String firstError, long nanos, long jamesCpuMillis, long p0fCpuMillis,
               Map<String, long[]> threads) {
            this.sessions = sessions;
            this.errors = errors;
            this.firstError = firstError;
            this.nanos = nanos;
            this.jamesCpuMillis = jamesCpuMillis;
            this.p0fCpuMillis = p0fCpuMillis;
            this.threads = threads;
        }

        double perSecond() {
            return sessions * 1e9 / nanos;
        }

        /** CPU time James spent per session, in microseconds. */
        double jamesCpuPerSession() {
            return jamesCpuMillis * 1000.0 / Math.max(1, sessions);
        }

        /** CPU time James's threads of one kind spent per session, in microseconds. */
        double threadCpuPerSession(String kind) {
            return threads.get(kind)[0] / 1000.0 / Math.max(1, sessions);
        }

        /** How many times James's threads of one kind were woken per session. */
        double wakeUpsPerSession(String kind) {
            return (double) threads.get(kind)[1] / Math.max(1, sessions);
        }

        /** CPU time the p0f daemons spent per session, in microseconds. */
        double p0fCpuPerSession() {
            return p0fCpuMillis * 1000.0 / Math.max(1, sessions);
        }
    }

    /** The {@link LoadTarget} JVM: started, told to stop by closing its standard input. */
    private static final class Target implements AutoCloseable {
        private final int webAdminPort;
        private final Process process;

        private Target(int webAdminPort, Process process) {
            this.webAdminPort = webAdminPort;
            this.process = process;
        }

        static Target start(List<String> servers, SmtpLoadHarness harness) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xms" + harness.heap);
            command.add("-Xmx" + harness.heap);
            if (!harness.jvmArgs.isBlank()) {
                command.addAll(Arrays.asList(harness.jvmArgs.trim().split("\\s+")));
            }
            for (String property : PASSED_PROPERTIES) {
                if (System.getProperty(property) != null) {
                    command.add("-D" + property + "=" + System.getProperty(property));
                }
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadTarget.class.getName()));
            command.addAll(servers);
            System.out.printf(Locale.ROOT, "starting James with SMTP servers %s%n", servers);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<Integer> ready = pumpOutput(process.getInputStream());
            try {
                return new Target(ready.get(120, TimeUnit.SECONDS), process);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("James did not start", e);
            }
        }

        long pid() {
            return process.pid();
        }

        /** Completes with the webadmin port once James is ready; passes its other output on. */
        private static CompletableFuture<Integer> pumpOutput(InputStream output) {
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith(LoadTarget.READY + " ")) {
                            ready.complete(Integer.parseInt(line.substring(LoadTarget.READY.length() + 1).trim()));
                        } else {
                            System.err.println("[james] " + line);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    ready.completeExceptionally(e);
                }
                ready.completeExceptionally(new IllegalStateException("James exited"));
            }, "load-target-output");
            pump.setDaemon(true);
            pump.start();
            return ready;
        }

        /** The p0f_*_total counters of James's metrics (lookups, matches, failures by kind), all servers together. */
        String p0fCounters() {
            try {
                HttpURLConnection connection = (HttpURLConnection)
                    new URL("http://127.0.0.1:" + webAdminPort + "/metrics").openConnection();
                connection.setConnectTimeout(5_000);
                connection.setReadTimeout(10_000);
                try (InputStream in = connection.getInputStream()) {
                    return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                        .filter(line -> line.startsWith("p0f_") && line.contains("_total ") && !line.endsWith(" 0.0"))
                        .collect(Collectors.joining(", "));
                } finally {
                    connection.disconnect();
                }
            } catch (IOException e) {
                return "unavailable (" + e + ")";
            }
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    System.err.println("James did not stop in 30 s; killing it");
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
