package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One p0f process sniffing loopback, with its API socket and log in a temporary directory of its
 * own: launched in the foreground or as a daemon ({@code -d}, found by its command line once it
 * forked), ready once its API answers, signalled and stopped by its PID only, its files deleted
 * when it stops. A JVM shutdown hook stops it if the tests never do. {@link RealP0f} is the face
 * tests use.
 */
final class P0fProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final boolean daemon;
    private final boolean observations;
    private final Path directory;
    /** What was launched: p0f itself, or in daemon mode the parent that forks it and exits. */
    private Process launched;
    /** The running p0f. */
    private ProcessHandle p0f;
    private Thread logPump;
    private Thread shutdownHook;

    private P0fProcess(boolean daemon, boolean observations) throws IOException {
        this.daemon = daemon;
        this.observations = observations;
        this.directory = Files.createTempDirectory("real-p0f-");
    }

    /**
     * Starts p0f and waits until its API answers, or stops it again and says why, with its output.
     * {@code launcher} runs before p0f (e.g. {@code ip netns exec NAME}, which execs p0f in place);
     * {@code arguments} follow p0f's own {@code -d}, {@code -s} and (with {@code observations}) {@code -o}.
     */
    static P0fProcess start(boolean daemon, boolean observations, List<String> launcher, List<String> arguments) {
        P0fProcess started;
        try {
            started = new P0fProcess(daemon, observations);
        } catch (IOException e) {
            throw new IllegalStateException("p0f did not start (" + e.getMessage() + ")", e);
        }
        try {
            started.launch(launcher, arguments);
            return started;
        } catch (IOException | RuntimeException | Error e) {
            String log = started.log();
            started.stop();
            throw new IllegalStateException("p0f did not start (" + e.getMessage() + "); its output:\n" + log, e);
        }
    }

    private void launch(List<String> launcher, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(RealP0f.binary().toString()));
        if (daemon) {
            command.add("-d");
        }
        command.addAll(List.of("-s", socketPath().toString()));
        if (observations) {
            command.addAll(List.of("-o", observationsPath().toString()));
        }
        command.addAll(arguments);
        List<String> launch = new ArrayList<>(launcher);
        launch.addAll(command);
        launched = new ProcessBuilder(launch).redirectErrorStream(true).start();
        launched.getOutputStream().close();
        logPump = CappedLog.pump(launched.getInputStream(), logPath());
        shutdownHook = new Thread(this::stop, "real-p0f-shutdown-" + launched.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        p0f = daemon ? awaitFork(command) : launched.toHandle();
        awaitApi();
    }

    /** Waits for the launched p0f to fork and exit, and finds the daemon by its command line. */
    private ProcessHandle awaitFork(List<String> command) throws IOException {
        try {
            if (!launched.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("p0f -d did not fork within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for p0f -d to fork", e);
        }
        if (launched.exitValue() != 0) {
            throw new IOException("p0f -d exited with status " + launched.exitValue());
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
                throw new IOException(daemon ? "p0f exited" : "p0f exited with status " + launched.exitValue());
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

    Path directory() {
        return directory;
    }

    Path socketPath() {
        return directory.resolve("p0f.sock");
    }

    Path logPath() {
        return directory.resolve("p0f.log");
    }

    /** Where p0f writes its observations when started with {@code -o} on it. */
    Path observationsPath() {
        return directory.resolve("observations.log");
    }

    /** What p0f printed so far (the first {@value CappedLog#CAP_BYTES} bytes), or why it cannot be read. */
    String log() {
        try {
            return new String(Files.readAllBytes(logPath()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    long pid() {
        return p0f.pid();
    }

    boolean isAlive() {
        return p0f != null && p0f.isAlive();
    }

    /** Sends p0f a signal by name ({@code STOP}, {@code CONT}) with kill(1); fails if p0f is not running. */
    void signal(String name) {
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
    synchronized void stop() {
        if (launched != null) {
            if (isAlive()) {
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
            if (launched.isAlive()) {
                launched.destroyForcibly(); // a p0f -d that never forked
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
        launched = null;
        p0f = null;
        logPump = null;
        shutdownHook = null;
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
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temp directory is harmless.
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
}
