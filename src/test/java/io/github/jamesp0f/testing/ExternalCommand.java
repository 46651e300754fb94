package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs a command line tool to completion and keeps what it printed (output and errors together,
 * through a file: a daemon the tool leaves running cannot hold a pipe of ours open). Test support.
 */
public final class ExternalCommand {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public final int exitCode;
    public final String output;
    private final List<String> command;

    private ExternalCommand(List<String> command, int exitCode, String output) {
        this.command = command;
        this.exitCode = exitCode;
        this.output = output;
    }

    /** The tool's absolute path when it is on the PATH. */
    public static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return Arrays.stream(path.split(":"))
            .map(dir -> Paths.get(dir, tool))
            .filter(Files::isExecutable)
            .findFirst();
    }

    /** The tool's absolute path; skips the calling test, naming the package to install, when it is missing. */
    public static Path require(String tool, String debianPackage) {
        Optional<Path> found = find(tool);
        Assumptions.assumeTrue(found.isPresent(), tool + " is not installed: apt-get install " + debianPackage);
        return found.get();
    }

    /** Runs {@code command} in {@code workingDir}, for at most a minute. */
    public static ExternalCommand run(Path workingDir, String... command) {
        return run(workingDir, List.of(command), "", DEFAULT_TIMEOUT);
    }

    /** Runs {@code command} here with {@code input} on its standard input, for at most {@code timeout}. */
    public static ExternalCommand run(List<String> command, String input, Duration timeout) {
        return run(null, command, input, timeout);
    }

    private static ExternalCommand run(Path workingDir, List<String> command, String input, Duration timeout) {
        try {
            Path log = Files.createTempFile("external-command", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
                if (workingDir != null) {
                    builder.directory(workingDir.toFile());
                }
                Process process = builder.start();
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + ": " + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new ExternalCommand(command, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** What it printed, when it exited 0. */
    public String outputIfSucceeded() {
        if (exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + "): " + output);
        }
        return output;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ": " + output;
    }
}
