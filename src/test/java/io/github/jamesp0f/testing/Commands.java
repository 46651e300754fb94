package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end: its input written from a thread of its own while its output (stdout
 * and stderr together) is read, so that neither side can block the other however much they say.
 */
public final class Commands {

    private Commands() {
    }

    /** The output; fails with it if the command exits with another status than 0 or outlives the timeout. */
    public static String check(List<String> command, String input, Duration timeout) {
        Result result = run(command, input, timeout);
        if (result.status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + result.status + "): "
                + result.output.trim());
        }
        return result.output;
    }

    /** Fails if the command outlives the timeout; any exit status is returned. */
    public static Result run(List<String> command, String input, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
        Thread writer = new Thread(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the command stopped reading: its status and output say why
            }
        }, "command-input");
        writer.setDaemon(true);
        writer.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within "
                    + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("cannot read the output of " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** A command's exit status and output. */
    public static final class Result {
        private final int status;
        private final String output;

        Result(int status, String output) {
            this.status = status;
            this.output = output;
        }

        public int status() {
            return status;
        }

        public String output() {
            return output;
        }
    }
}
