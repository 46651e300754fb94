package io.github.jamesp0f.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many crafted SYNs from one craft-syn.py process ({@code --batch}): one per p0f signature, each from
 * its own source, to a real p0f's crafted-SYN port. Each comes back with the raw signature
 * craft-syn.py built it to, which p0f must log for it. Or, with {@link #build()}, their bytes,
 * sent by whoever asked (the SYN oracle hands the same bytes to p0f and to the Java matcher).
 */
public final class CraftedSynBatch {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SENT = Pattern.compile(
        "sent SYN \\[?([0-9a-fA-F.:]+?)]?:(\\d+) -> \\S+ ttl \\d+ raw_sig (\\S+)( \\(p0f should say .*\\))?");

    private final List<String> lines = new ArrayList<>();
    private final List<InetAddress> sources = new ArrayList<>();

    /** One SYN matching {@code sig} from {@code source} to {@code port}; {@code options}: more craft-syn.py options. */
    public CraftedSynBatch add(String sig, InetAddress source, int port, String... options) {
        StringBuilder line = new StringBuilder("--sig '" + sig + "' " + source.getHostAddress() + " " + port);
        for (String option : options) {
            line.append(' ').append(option);
        }
        lines.add(line.toString());
        sources.add(source);
        return this;
    }

    public int size() {
        return lines.size();
    }

    /** A SYN as sent: where from, and the raw signature p0f should log for it. */
    public static final class Sent {
        public final InetAddress source;
        public final int sourcePort;
        public final String rawSig;

        Sent(InetAddress source, int sourcePort, String rawSig) {
            this.source = source;
            this.sourcePort = sourcePort;
            this.rawSig = rawSig;
        }
    }

    /** Sends every SYN, in order; fails naming the line craft-syn.py refused. */
    public List<Sent> send() {
        Commands.Result result = run(false);
        try {
            return parse(result.output(), result.status());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("craft-syn.py answered an address that is not one: " + result.output(), e);
        }
    }

    /** A SYN built but not sent: its bytes (IP header onward), or why craft-syn.py refused the line. */
    public static final class Built {
        public final byte[] packet;
        public final String refusal;

        Built(byte[] packet, String refusal) {
            this.packet = packet;
            this.refusal = refusal;
        }
    }

    /**
     * Builds every SYN without sending it ({@code --hex}), in order; a line craft-syn.py refuses
     * (a signature no SYN can match exactly, a window past 65535...) comes back with its reason.
     * Needs no root.
     */
    public List<Built> build() {
        Commands.Result result = run(true);
        String[] answers = result.output().split("\n");
        if (answers.length != lines.size()) {
            throw new IllegalStateException("craft-syn.py --batch --hex gave " + answers.length + " answers to "
                + lines.size() + " lines: " + result.output());
        }
        List<Built> built = new ArrayList<>();
        for (String answer : answers) {
            built.add(answer.startsWith("error: ") ? new Built(null, answer) : new Built(Hex.bytes(answer), null));
        }
        return built;
    }

    private Commands.Result run(boolean hex) {
        if (!hex) {
            CraftedSyn.assumeAvailable();
        }
        List<String> command = new ArrayList<>(List.of(CraftedSyn.findPython(), CraftedSyn.script().toString(), "--batch"));
        if (hex) {
            command.add("--hex");
        }
        return Commands.run(command, String.join("\n", lines) + "\n", TIMEOUT);
    }

    private List<Sent> parse(String output, int exitCode) throws UnknownHostException {
        String[] answers = output.split("\n");
        if (exitCode != 0 || answers.length != lines.size()) {
            throw new IllegalStateException("craft-syn.py --batch failed (exit " + exitCode + ", " + answers.length
                + " answers to " + lines.size() + " lines): " + output);
        }
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            Matcher m = SENT.matcher(answers[i]);
            if (!m.matches()) {
                throw new IllegalStateException("craft-syn.py answered '" + answers[i] + "' to: " + lines.get(i));
            }
            sent.add(new Sent(InetAddress.getByName(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
        }
        return sent;
    }
}
