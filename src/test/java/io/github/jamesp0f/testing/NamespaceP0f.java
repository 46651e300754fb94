package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real p0f inside a {@link NetworkNamespace}, sniffing every interface there ({@code -i any}:
 * loopback and any veth) with the database given, its API socket and its log ({@code -o}, one
 * line per observation with p0f's {@code raw_sig}) in a temporary directory of its own. Several
 * can sniff one namespace, one per database. Stopped by its PID; its files deleted.
 */
public final class NamespaceP0f implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path directory;

    private NamespaceP0f(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    /** Starts p0f and waits until its API answers; fails with its output if it does not. */
    public static NamespaceP0f start(NetworkNamespace namespace, Path database) {
        Path directory;
        try {
            directory = Files.createTempDirectory("namespace-p0f-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = namespace.inside(RealP0f.binary().toString(), "-i", "any", "-f", database.toString(),
            "-s", directory.resolve("p0f.sock").toString(), "-o", directory.resolve("p0f.log").toString(),
            "-m", "2000,50000");
        NamespaceP0f p0f;
        try {
            p0f = new NamespaceP0f(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("p0f.out").toFile()).start(), directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            p0f.awaitApi();
            return p0f;
        } catch (RuntimeException e) {
            String output = p0f.output();
            p0f.close();
            throw new IllegalStateException("p0f with " + database + " did not start: " + e.getMessage()
                + "; its output:\n" + output, e);
        }
    }

    private void awaitApi() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("p0f exited with status " + process.exitValue());
            }
            if (Files.exists(socketPath())) {
                try {
                    if (RawP0fQuery.ask(socketPath(), InetAddress.getLoopbackAddress(), Duration.ofSeconds(5)).isP0f()) {
                        return;
                    }
                } catch (IOException e) {
                    // not accepting yet
                }
            }
            P0fProcess.sleep(20);
        }
        throw new IllegalStateException("its API did not answer within " + START_TIMEOUT.toSeconds() + " s");
    }

    /** Whether p0f still runs; if not, {@link #output()} may say why. */
    public boolean isAlive() {
        return process.isAlive();
    }

    public Path socketPath() {
        return directory.resolve("p0f.sock");
    }

    /** What p0f's API says of an address now. */
    public RawP0fQuery.Answer ask(InetAddress address) throws IOException {
        return RawP0fQuery.ask(socketPath(), address, Duration.ofSeconds(5));
    }

    /**
     * Waits until p0f's API knows the address (p0f reads its capture in batches, a few milliseconds
     * late); returns quietly after {@code timeout} if it never does, for the caller to find out.
     */
    public void awaitKnown(InetAddress address, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!ask(address).isOk() && System.nanoTime() < deadline && process.isAlive()) {
                P0fProcess.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("p0f's API did not answer about " + address, e);
        }
    }

    /** p0f's log lines so far ({@code [time] mod=syn|cli=ADDRESS/PORT|...|raw_sig=...}). */
    public List<String> log() {
        try {
            Path log = directory.resolve("p0f.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What p0f printed (start-up messages, warnings, errors). */
    public String output() {
        try {
            return new String(Files.readAllBytes(directory.resolve("p0f.out")), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops p0f (SIGTERM, SIGKILL if it lingers) by its PID and deletes its files. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TemporaryDirectory.delete(directory);
    }
}
