package io.github.jamesp0f.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

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
 * <p>p0f's output goes to a log file capped at {@value CappedLog#CAP_BYTES} bytes (see {@link CappedLog}).
 *
 * <p>{@link Builder#daemon()} runs p0f as a server should, with {@code -d}: it forks into the
 * background once its capture and API socket are open, and prints no more observations (when its
 * output is not a terminal, its warnings still go there). In the foreground
 * p0f prints several lines for every connection it sees, which costs it more CPU than the
 * fingerprinting itself; benchmarks use daemon mode. The log then holds what p0f said until it
 * forked (start-up errors).
 *
 * <p>p0f loads the project's database, contrib/p0f/p0f.fp, unless {@link Builder#database(Path)} says
 * otherwise: the tests see the labels administrators see (the start-up files in contrib/ load that
 * file), and {@link #STOCK_DATABASE} is there for comparing with p0f's own.
 *
 * <p>This class is what tests use: configuration, the JUnit life cycle and stall/resume. The process
 * itself (launching, finding the daemon, stopping it by its PID) is {@link P0fProcess}.
 */
public final class RealP0f implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {

    public static final String BINARY_PROPERTY = "p0f.binary";
    public static final String DEFAULT_BINARY = "/usr/sbin/p0f";
    /** Sources whose real connections p0f ignores, so that their crafted fingerprints stay. */
    public static final String CRAFTED_SOURCES = "127.0.0.64/26";
    /** The database this project ships, and p0f loads by default here. */
    public static final String SHIPPED_DATABASE = "contrib/p0f/p0f.fp";
    /** p0f 3.09b's own database, as Debian installs it. */
    public static final Path STOCK_DATABASE = Paths.get("/etc/p0f/p0f.fp");

    private final List<Integer> watchedPorts;
    private final int craftedSynPort;
    private final int apiSlots;
    private final String filter;
    private final boolean daemon;
    private final Path database;
    private final boolean observations;
    private final String networkInterface;
    private final List<String> launcher;

    /** The running p0f, or null. */
    private P0fProcess running;
    private boolean stalled;
    private boolean startedForClass;

    private RealP0f(Builder b) {
        this.watchedPorts = b.watchedPorts.isEmpty()
            ? Collections.singletonList(FreePorts.next()) : Collections.unmodifiableList(new ArrayList<>(b.watchedPorts));
        this.craftedSynPort = b.craftedSynPort > 0 ? b.craftedSynPort : FreePorts.next();
        this.apiSlots = b.apiSlots;
        this.filter = filter(watchedPorts, craftedSynPort);
        this.daemon = b.daemon;
        this.database = b.database != null ? b.database : ProjectFile.of(SHIPPED_DATABASE);
        this.observations = b.observations;
        this.networkInterface = b.networkInterface;
        this.launcher = b.namespace == null ? List.of() : List.of("ip", "netns", "exec", b.namespace);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Skips the calling test, with the reason, unless this process is root and p0f is installed. */
    public static void assumeAvailable() {
        int uid = uid();
        Assumptions.assumeTrue(uid == 0, "needs root to let p0f sniff loopback (running as uid " + uid + ")");
        Path binary = binary();
        Assumptions.assumeTrue(Files.isExecutable(binary), "needs p0f at " + binary
            + " (apt-get install p0f, or set -D" + BINARY_PROPERTY + "=PATH)");
    }

    public static Path binary() {
        return Paths.get(System.getProperty(BINARY_PROPERTY, DEFAULT_BINARY));
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

    /** Starts p0f and waits until its API answers; skips the test when p0f cannot run here. */
    public synchronized RealP0f start() {
        if (running != null) {
            throw new IllegalStateException("p0f already started (pid " + running.pid() + ")");
        }
        assumeAvailable();
        if (!Files.isReadable(database)) {
            throw new IllegalStateException("p0f's database " + database + " is not readable");
        }
        running = P0fProcess.start(daemon, observations, launcher, List.of("-f", database.toString(), "-i", networkInterface,
            "-S", Integer.toString(apiSlots), filter));
        return this;
    }

    /** What p0f logged about the SYNs it saw ({@code -o}); needs {@link Builder#observations()}. */
    public synchronized P0fObservations observations() {
        if (!observations) {
            throw new IllegalStateException("p0f was started without -o: use RealP0f.builder().observations()");
        }
        return new P0fObservations(requireStarted().observationsPath());
    }

    /** The database p0f loads ({@code -f}). */
    public Path database() {
        return database;
    }

    public synchronized Path socketPath() {
        return requireStarted().socketPath();
    }

    public synchronized Path logPath() {
        return requireStarted().logPath();
    }

    /** What p0f printed so far (the first {@value CappedLog#CAP_BYTES} bytes), or why it cannot be read. */
    public synchronized String log() {
        return running == null ? "(p0f not started)" : running.log();
    }

    public synchronized long pid() {
        return requireStarted().pid();
    }

    public synchronized boolean isAlive() {
        return running != null && running.isAlive();
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
        requireStarted().signal("STOP");
        stalled = true;
    }

    /** Lets a stalled p0f run again (SIGCONT). */
    public synchronized void resume() {
        requireStarted().signal("CONT");
        stalled = false;
    }

    public synchronized boolean isStalled() {
        return stalled;
    }

    /** Stops p0f (SIGCONT, SIGTERM, then SIGKILL if it lingers), by its PID only, and deletes its files. */
    @Override
    public synchronized void close() {
        if (running != null) {
            running.stop();
        }
        running = null;
        stalled = false;
    }

    private P0fProcess requireStarted() {
        if (running == null) {
            throw new IllegalStateException("p0f not started");
        }
        return running;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (running == null) {
            start();
            startedForClass = true;
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (running == null) {
            start();
            startedForClass = false;
        }
    }

    /** A test that stalled p0f and failed must not leave the next test a frozen p0f. */
    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (running == null) {
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
    public synchronized String toString() {
        return "p0f " + (running == null ? "(not running)" : "pid " + running.pid() + " at " + running.directory())
            + " on " + networkInterface + " database " + database + " filter '" + filter + "'";
    }

    public static final class Builder {
        private final List<Integer> watchedPorts = new ArrayList<>();
        private int craftedSynPort;
        private int apiSlots = 20;
        private boolean daemon;
        private Path database;
        private boolean observations;
        private String namespace;
        private String networkInterface = "lo";

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

        /** p0f's {@code -f}: the database it loads. Default: the project's contrib/p0f/p0f.fp. */
        public Builder database(Path file) {
            this.database = file;
            return this;
        }

        /** p0f's {@code -o}: it logs each SYN it sees (label, raw signature), read with {@link RealP0f#observations()}. */
        public Builder observations() {
            this.observations = true;
            return this;
        }

        /**
         * Sniffs {@code networkInterface} inside the network namespace {@code namespace} (made by the
         * test) instead of loopback; the API socket stays a file, which any namespace reaches.
         */
        public Builder inNamespace(String namespace, String networkInterface) {
            if (daemon) {
                throw new IllegalStateException("a p0f in a namespace runs in the foreground");
            }
            this.namespace = namespace;
            this.networkInterface = networkInterface;
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
