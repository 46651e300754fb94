package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many crafted SYNs from one craft-syn.py process ({@code --batch}): one per p0f signature, each from
 * its own source, to a real p0f's crafted-SYN port. Each comes back with the raw signature
 * craft-syn.py built it to, which p0f must log for it.
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
        CraftedSyn.assumeAvailable();
        List<String> command = List.of(CraftedSyn.findPython(), CraftedSyn.script().toString(), "--batch");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("craft-syn.py --batch did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            return parse(output, process.exitValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending crafted SYNs", e);
        }
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
