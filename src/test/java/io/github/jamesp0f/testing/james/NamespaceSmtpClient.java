package io.github.jamesp0f.testing.james;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.ProjectFile;

/**
 * SMTP sessions from inside a network namespace of the test's own, where this JVM cannot open a
 * socket: {@code ip netns exec NAMESPACE python3 smtp-client.py} (a resource next to this
 * package's harness), which speaks with Python's own SMTP client (smtplib), or writes an early
 * talker's bytes before the banner. Each session's replies come back as a {@link Transcript}.
 */
public final class NamespaceSmtpClient {

    static final String SCRIPT = "src/test/resources/io/github/jamesp0f/testing/smtp-client.py";
    private static final long TIMEOUT_SECONDS = 60;

    private final String namespace;
    private final InetAddress server;
    private final int port;

    public NamespaceSmtpClient(String namespace, InetAddress server, int port) {
        this.namespace = namespace;
        this.server = server;
        this.port = port;
    }

    /** The replies of one session, the banner first: "CODE TEXT" each. */
    public static final class Transcript {
        private final List<String> replies;

        Transcript(List<String> replies) {
            this.replies = replies;
        }

        public List<Integer> codes() {
            return replies.stream().map(reply -> Integer.parseInt(reply.substring(0, 3))).collect(Collectors.toList());
        }

        public String banner() {
            return replies.isEmpty() ? "" : replies.get(0);
        }

        public List<String> replies() {
            return replies;
        }

        @Override
        public String toString() {
            return String.join("\n", replies);
        }
    }

    /** EHLO, MAIL, RCPT, DATA of {@code message}, QUIT, from {@code source}; stops at the first refusal. */
    public Transcript sendMail(InetAddress source, String sender, String recipient, String message) {
        return run(message, "mail", source.getHostAddress(), server.getHostAddress(), Integer.toString(port), sender,
            recipient);
    }

    /** Writes {@code bytes} in one segment as soon as connected, before the banner; reads {@code replies} replies. */
    public Transcript talkEarly(InetAddress source, String bytes, int replies) {
        return run(bytes, "early", source.getHostAddress(), server.getHostAddress(), Integer.toString(port),
            Integer.toString(replies));
    }

    private Transcript run(String input, String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, CraftedSyn.findPython(),
            ProjectFile.of(SCRIPT).toString()));
        command.addAll(List.of(arguments));
        try {
            Path output = Files.createTempFile("smtp-client", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + TIMEOUT_SECONDS + " s: " + Files.readString(output));
                }
                String said = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "): " + said);
                }
                return new Transcript(said.lines().filter(line -> line.matches("\\d{3} .*|\\d{3}"))
                    .collect(Collectors.toList()));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
