package io.github.jamesp0f.testing.james;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.Commands;
import io.github.jamesp0f.testing.ProjectFile;

/**
 * SMTP sessions from inside a network namespace of the test's own, where this JVM cannot open a
 * socket: {@code ip netns exec NAMESPACE python3 smtp-client.py} (a resource next to this
 * package's harness), which speaks with Python's own SMTP client (smtplib), or writes an early
 * talker's bytes before the banner. Each session's replies come back as a {@link Transcript}.
 */
public final class NamespaceSmtpClient {

    static final String SCRIPT = "src/test/resources/io/github/jamesp0f/testing/smtp-client.py";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
        String said = Commands.check(command, input, TIMEOUT);
        return new Transcript(said.lines().filter(line -> line.matches("\\d{3} .*|\\d{3}")).collect(Collectors.toList()));
    }
}
