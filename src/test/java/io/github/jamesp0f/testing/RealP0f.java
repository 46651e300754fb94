package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real p0f daemon sniffing loopback, for tests. It watches real TCP connections (IPv4 and IPv6)
 * to the watched ports, except those from 127.0.0.64/26, and every SYN to the crafted-SYN port:
 * so addresses 127.0.0.64-127 keep the fingerprint of the crafted SYN they sent (see
 * {@link CraftedSyn}) while also opening real connections.
 *
 * <p>As an AutoCloseable: {@code try (RealP0f p0f = RealP0f.builder().watchPort(port).start())}.
 * As a JUnit 5 extension: {@code @RegisterExtension static RealP0f p0f = RealP0f.builder()...build();}
 * (started before all tests, stopped after them; an instance field starts one per test). Either way
 * it skips the test when not root or p0f is missing.
 *
 * <p>p0f's output goes to a log file capped at {@value #LOG_CAP_BYTES} bytes: p0f with all API
 * slots taken prints hundreds of thousands of lines a second, which must neither fill a pipe (p0f
 * would block) nor a disk.
 *
 * <p>{@link Builder#daemon()} runs p0f as a server should, with {@code -d}: it forks into the
 * background once its capture and API socket are open, and prints no more observations (when its
 * output is not a terminal, its warnings still go there). In the foreground
 * p0f prints several lines for every connection it sees, which costs it more CPU than the
 * fingerprinting itself; benchmarks use daemon mode. The log then holds what p0f said until it
 * forked (start-up errors).
 */
public final class RealP0f implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {

    public static final String BINARY_PROPERTY = "p0f.binary";
    public static final String DEFAULT_BINARY = "/usr/sbin/p0f";
    /** Sources whose real connections p0f ignores, so that their crafted fingerprints stay. */
    public static final String CRAFTED_SOURCES = "127.0.0.64/26";
    static final int LOG_CAP_BYTES = 4 * 1024 * 1024;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final List<Integer> watchedPorts;
    private final int craftedSynPort;
    private final int apiSlots;
    private final String filter;
    private final boolean daemon;

    /** What was launched: p0f itself, or in daemon mode the parent that forks it and exits. */
    private Process process;
    /** The running p0f. */
    private ProcessHandle p0f;
    private Path directory;
    private Thread logPump;
    private Thread shutdownHook;
    private boolean stalled;
    private boolean startedForClass;

    private RealP0f(Builder b) {
        this.watchedPorts = b.watchedPorts.isEmpty()
            ? Collections.singletonList(freePort()) : Collections.unmodifiableList(new ArrayList<>(b.watchedPorts));
        this.craftedSynPort = b.craftedSynPort > 0 ? b.craftedSynPort : freePort();
        this.apiSlots = b.apiSlots;
        this.filter = filter(watchedPorts, craftedSynPort);
        this.daemon = b.daemon;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Skips the calling test, with the reason, unless this process is root and p0f is installed. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(isRoot(), "needs root to let p0f sniff loopback (running as uid " + uid() + ")");
        Path binary = binary();
        Assumptions.assumeTrue(Files.isExecutable(binary), "needs p0f at " + binary
            + " (apt-get install p0f, or set -D" + BINARY_PROPERTY + "=PATH)");
    }

    public static Path binary() {
        return Paths.get(System.getProperty(BINARY_PROPERTY, DEFAULT_BINARY));
    }

    static boolean isRoot() {
        return uid() == 0;
    }

    private static int uid() {
        try {
            // /proc/self belongs to the uid this process runs as.
            return (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /** p0f's BPF filter. {@code not src net} is IPv4-only: IPv6 connections to the ports pass. */
    static String filter(List<Integer> watchedPorts, int craftedSynPort) {
        String watched = watchedPorts.stream().map(p -> "tcp dst port " + p).collect(Collectors.joining(" or "));
        return "((" + watched + ") and not src net " + CRAFTED_SOURCES + ") or tcp dst port " + craftedSynPort;
    }

    /** A TCP port nobody listens on right now, on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /** Starts p0f and waits until its API answers; skips the test when p0f cannot run here. */
    public synchronized RealP0f start() {
        if (process != null) {
            throw new IllegalStateException("p0f already started (pid " + process.pid() + ")");
        }
        assumeAvailable();
        try {
            directory = Files.createTempDirectory("real-p0f-");
            List<String> command = new ArrayList<>(List.of(binary().toString()));
            if (daemon) {
                command.add("-d");
            }
            command.addAll(List.of("-i", "lo", "-s", socketPath().toString(), "-S", Integer.toString(apiSlots), filter));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            logPump = startLogPump(process.getInputStream(), logPath());
            shutdownHook = new Thread(this::stopQuietly, "real-p0f-shutdown-" + process.pid());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            p0f = daemon ? awaitFork(command) : process.toHandle();
            awaitApi();
            return this;
        } catch (IOException | RuntimeException | Error e) {
            String log = log();
            stopQuietly();
            throw new IllegalStateException("p0f did not start (" + e.getMessage() + "); its output:\n" + log, e);
        }
    }

    /** Waits for the launched p0f to fork and exit, and finds the daemon by its command line. */
    private ProcessHandle awaitFork(List<String> command) throws IOException {
        try {
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("p0f -d did not fork within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for p0f -d to fork", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("p0f -d exited with status " + process.exitValue());
        }
        // The socket path is unique to this instance, so the full command line names one process.
        String wanted = String.join("\0", command) + "\0";
        try (Stream<Path> entries = Files.list(Paths.get("/proc"))) {
            for (Path entry : entries.collect(Collectors.toList())) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && wanted.equals(readCommandLine(entry))) {
                    Optional<ProcessHandle> forked = ProcessHandle.of(Long.parseLong(name));
                    if (forked.isPresent()) {
                        return forked.get();
                    }
                }
            }
        }
        throw new IOException("p0f -d forked, but no process runs " + command);
    }

    private static String readCommandLine(Path procEntry) {
        try {
            return new String(Files.readAllBytes(procEntry.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // Gone meanwhile, or not ours to read.
        }
    }

    private void awaitApi() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!p0f.isAlive()) {
                throw new IOException(daemon ? "p0f exited" : "p0f exited with status " + process.exitValue());
            }
            if (Files.exists(socketPath())) {
                try {
                    RawP0fQuery.Answer answer = RawP0fQuery.ask(socketPath(), InetAddress.getLoopbackAddress(),
                        Duration.ofSeconds(5));
                    if (answer.isP0f()) {
                        return;
                    }
                    throw new IOException("not a p0f answer: " + answer);
                } catch (IOException e) {
                    last = e;
                }
            }
            sleep(20);
        }
        throw new IOException("p0f's API at " + socketPath() + " did not answer within "
            + START_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    private static Thread startLogPump(InputStream from, Path to) throws IOException {
        OutputStream log = Files.newOutputStream(to);
        Thread pump = new Thread(() -> pumpCapped(from, log), "real-p0f-log");
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /** Keeps reading to the end so that p0f never blocks on a full pipe; keeps the first bytes only. */
    private static void pumpCapped(InputStream from, OutputStream log) {
        byte[] buffer = new byte[65536];
        long written = 0;
        long dropped = 0;
        try (from; log) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                int keep = (int) Math.max(0, Math.min(n, LOG_CAP_BYTES - written));
                log.write(buffer, 0, keep);
                written += keep;
                dropped += n - keep;
            }
            if (dropped > 0) {
                log.write(("\n[real-p0f: " + dropped + " further bytes of output dropped]\n")
                    .getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // p0f is gone or the log was deleted: nothing left to keep.
        }
    }

    public synchronized Path socketPath() {
        return requireDirectory().resolve("p0f.sock");
    }

    public synchronized Path logPath() {
        return requireDirectory().resolve("p0f.log");
    }

    /** What p0f printed so far (the first {@value #LOG_CAP_BYTES} bytes), or why it cannot be read. */
    public synchronized String log() {
        if (directory == null) {
            return "(p0f not started)";
        }
        try {
            return new String(Files.readAllBytes(logPath()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public synchronized long pid() {
        requireStarted();
        return p0f.pid();
    }

    public synchronized boolean isAlive() {
        return p0f != null && p0f.isAlive();
    }

    /** The first watched port: where a test's server listens. */
    public int watchedPort() {
        return watchedPorts.get(0);
    }

    public List<Integer> watchedPorts() {
        return watchedPorts;
    }

    /**
     * Opens and closes a real TCP connection from {@code source} to the watched port (to 127.0.0.1,
     * or to ::1 from an IPv6 source), so that p0f sees this machine's own SYN from that address.
     * Nobody needs to listen: a refused connection still sent its SYN. p0f ignores the real
     * connections of 127.0.0.64/26, which keep their crafted fingerprints.
     */
    public void connectFrom(InetAddress source) throws IOException {
        InetAddress destination = source instanceof Inet6Address ? source : InetAddress.getByName("127.0.0.1");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(destination, watchedPort()), 2000);
        } catch (ConnectException e) {
            // Nobody listening is fine: p0f judges the SYN.
        }
    }

    /** Where {@link CraftedSyn} sends SYNs; nothing needs to listen there. */
    public int craftedSynPort() {
        return craftedSynPort;
    }

    public String filter() {
        return filter;
    }

    /** Freezes p0f (SIGSTOP): connections still succeed, queries get no answer until {@link #resume()}. */
    public synchronized void stall() {
        signal("STOP");
        stalled = true;
    }

    /** Lets a stalled p0f run again (SIGCONT). */
    public synchronized void resume() {
        signal("CONT");
        stalled = false;
    }

    public synchronized boolean isStalled() {
        return stalled;
    }

    private void signal(String name) {
        requireStarted();
        if (!p0f.isAlive()) {
            throw new IllegalStateException("p0f (pid " + p0f.pid() + ") is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p0f.pid()))
                .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + p0f.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name + " " + p0f.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling p0f", e);
        }
    }

    /** Stops p0f (SIGCONT, SIGTERM, then SIGKILL if it lingers), by its PID only, and deletes its files. */
    @Override
    public synchronized void close() {
        stopQuietly();
    }

    private synchronized void stopQuietly() {
        if (process != null) {
            if (p0f != null && p0f.isAlive()) {
                try {
                    signal("CONT");
                } catch (RuntimeException e) {
                    // It may have exited meanwhile; SIGTERM/SIGKILL below still apply.
                }
                p0f.destroy();
                if (!awaitExit(p0f)) {
                    p0f.destroyForcibly();
                    awaitExit(p0f);
                }
            }
            if (process.isAlive()) {
                process.destroyForcibly(); // a p0f -d that never forked
            }
            joinQuietly(logPump);
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // The JVM is already shutting down.
                }
            }
        }
        deleteDirectory();
        process = null;
        p0f = null;
        logPump = null;
        shutdownHook = null;
        stalled = false;
    }

    /** Works for a daemon too, which is not this JVM's child: the JDK then polls for its end. */
    private static boolean awaitExit(ProcessHandle handle) {
        try {
            handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private static void joinQuietly(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteDirectory() {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
        directory = null;
    }

    private Path requireDirectory() {
        if (directory == null) {
            throw new IllegalStateException("p0f not started");
        }
        return directory;
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("p0f not started");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for p0f", e);
        }
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (process == null) {
            start();
            startedForClass = true;
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (process == null) {
            start();
            startedForClass = false;
        }
    }

    /** A test that stalled p0f and failed must not leave the next test a frozen p0f. */
    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (process == null) {
            return;
        }
        if (!startedForClass) {
            close();
        } else if (stalled && isAlive()) {
            resume();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (startedForClass) {
            close();
        }
    }

    @Override
    public String toString() {
        return "p0f " + (p0f == null ? "(not running)" : "pid " + p0f.pid() + " at " + directory)
            + " filter '" + filter + "'";
    }

    public static final class Builder {
        private final List<Integer> watchedPorts = new ArrayList<>();
        private int craftedSynPort;
        private int apiSlots = 20;
        private boolean daemon;

        private Builder() {
        }

        /** Runs p0f with {@code -d}, as on a server: in the background, without observations (see the class comment). */
        public Builder daemon() {
            this.daemon = true;
            return this;
        }

        /** A port whose real connections p0f fingerprints (the test's server port). Default: a free port. */
        public Builder watchPort(int port) {
            watchedPorts.add(requirePort(port));
            return this;
        }

        /** Where crafted SYNs go. Default: a free port. */
        public Builder craftedSynPort(int port) {
            this.craftedSynPort = requirePort(port);
            return this;
        }

        /** p0f's {@code -S}: how many API clients it serves at once (1..100, p0f's default 20). */
        public Builder apiSlots(int slots) {
            if (slots < 1 || slots > 100) {
                throw new IllegalArgumentException("p0f accepts 1 to 100 API slots, not " + slots);
            }
            this.apiSlots = slots;
            return this;
        }

        /** A p0f ready to {@link RealP0f#start()} (or to register as a JUnit extension). */
        public RealP0f build() {
            return new RealP0f(this);
        }

        public RealP0f start() {
            return build().start();
        }

        private static int requirePort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
            }
            return port;
        }
    }
}
