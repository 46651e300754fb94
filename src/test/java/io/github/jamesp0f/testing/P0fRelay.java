package io.github.jamesp0f.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import io.github.jamesp0f.client.P0fEndpoint;

/**
 * p0f's API relayed over TCP the way contrib/ ships it, without systemd as PID 1:
 * {@code systemd-socket-activate -l 127.0.0.1:PORT /lib/systemd/systemd-socket-proxyd SOCKET}
 * listens on a free loopback port and, at the first connection, execs systemd-socket-proxyd
 * (same PID), which forwards every connection to p0f's unix socket. Stopped by its PID only;
 * {@link #kill()} and {@link #start()} again play a relay that died and came back on the same
 * address. Skips the test where Debian's systemd binaries are missing.
 */
public final class P0fRelay implements AutoCloseable {

    public static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");
    public static final Path PROXYD = Path.of("/lib/systemd/systemd-socket-proxyd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path socket;
    private final InetSocketAddress address;
    private final Path log;
    private Process process;

    private P0fRelay(Path socket, InetSocketAddress address) throws IOException {
        this.socket = socket;
        this.address = address;
        this.log = Files.createTempFile("p0f-relay", ".log");
    }

    /** A relay to p0f's {@code socket} on a free port of 127.0.0.1, listening when this returns. */
    public static P0fRelay to(Path socket) throws IOException {
        assumeAvailable();
        P0fRelay relay = new P0fRelay(socket,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()));
        relay.start();
        return relay;
    }

    public static void assumeAvailable() {
        Assumptions.assumeTrue(isAvailable(), "needs " + ACTIVATE + " and " + PROXYD + " (Debian's systemd package)");
    }

    public static boolean isAvailable() {
        return Files.isExecutable(ACTIVATE) && Files.isExecutable(PROXYD);
    }

    /** Where the client reaches p0f: {@code tcp:127.0.0.1:PORT}. Unit tests only (see {@link #listenAddress()}). */
    public P0fEndpoint endpoint() {
        return P0fEndpoint.tcp(address);
    }

    /**
     * {@code 127.0.0.1:PORT}, as {@code --p0f-address} and {@code <p0fAddress>} take it: for
     * integration tests, whose class path has the packaged jar in James's extensions-jars and not
     * the extension's classes.
     */
    public String listenAddress() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Starts the relay (again) on its address; returns once it listens. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the relay runs already: " + process.pid());
        }
        String listen = listenAddress();
        Files.writeString(log, "");
        process = new ProcessBuilder(List.of(ACTIVATE.toString(), "-l", listen, PROXYD.toString(), socket.toString()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!log().contains("Listening on " + listen)) {
            if (exitedWithin(10) || System.nanoTime() > deadline) {
                String said = log();
                kill();
                throw new IOException("systemd-socket-activate did not listen on " + listen + ": " + said);
            }
        }
    }

    /** SIGKILL, as a relay that dies: its connections are reset, its port closed. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The relay's process (systemd-socket-activate, then the systemd-socket-proxyd it execs). */
    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** What systemd-socket-activate and systemd-socket-proxyd said. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }

    private boolean exitedWithin(long millis) throws IOException {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the relay started", e);
        }
    }
}
