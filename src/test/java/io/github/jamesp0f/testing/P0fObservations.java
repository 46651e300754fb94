package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a real p0f logged with {@code -o} about the SYNs it saw: one line per SYN,
 * {@code ...|mod=syn|cli=ADDRESS/PORT|srv=...|subj=cli|os=LABEL|dist=N|params=...|raw_sig=SIG}. The
 * tests compare it with what the API and the plugin answer: p0f's own word on each SYN.
 */
public final class P0fObservations {

    private final Path log;

    P0fObservations(Path log) {
        this.log = log;
    }

    /**
     * One SYN as p0f logged it. {@code os} is "???" when no signature matched; for a program's
     * signature ({@code s:!:...}, e.g. NMap) p0f logs it as {@code app=}, {@code os} holds that, and
     * {@link #program} is true: p0f then names no OS for the host in its API.
     */
    public static final class Syn {
        public final InetAddress client;
        public final int port;
        public final String os;
        public final boolean program;
        public final String params;
        public final String rawSig;

        Syn(InetAddress client, int port, String os, boolean program, String params, String rawSig) {
            this.client = client;
            this.port = port;
            this.os = os;
            this.program = program;
            this.params = params;
            this.rawSig = rawSig;
        }

        @Override
        public String toString() {
            return client.getHostAddress() + "/" + port + " os=" + os + " params=" + params + " raw_sig=" + rawSig;
        }
    }

    /** Every SYN logged so far, in order. p0f flushes its log whenever it has nothing else to do. */
    public List<Syn> syns() {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read p0f's log " + log, e);
        }
        List<Syn> syns = new ArrayList<>();
        for (String line : lines) {
            Map<String, String> fields = fields(line);
            String mod = fields.get("mod");
            if (("syn".equals(mod) || "sendsyn probe".equals(mod)) && "cli".equals(fields.get("subj"))) {
                String client = fields.get("cli");
                int slash = client.lastIndexOf('/');
                syns.add(new Syn(address(client.substring(0, slash)), Integer.parseInt(client.substring(slash + 1)),
                    fields.getOrDefault("os", fields.getOrDefault("app", "")), fields.containsKey("app"),
                    fields.get("params"), fields.get("raw_sig")));
            }
        }
        return syns;
    }

    /** The SYN from {@code client}:{@code port}, waiting at most {@code timeout} for p0f to log it. */
    public Syn await(InetAddress client, int port, Duration timeout) {
        return await(client, port, timeout, s -> s.client.equals(client) && s.port == port);
    }

    /** The last SYN from {@code client} (any port), waiting at most {@code timeout} for one. */
    public Syn awaitFrom(InetAddress client, Duration timeout) {
        return await(client, 0, timeout, s -> s.client.equals(client));
    }

    private Syn await(InetAddress client, int port, Duration timeout, Predicate<Syn> wanted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Syn> found = syns().stream().filter(wanted).reduce((first, second) -> second);
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("p0f logged no SYN from " + client.getHostAddress() + (port == 0 ? "" : "/" + port)
                    + " within " + timeout.toMillis() + " ms (" + log + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for p0f's log", e);
            }
        }
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        int start = line.indexOf("] ");
        for (String field : line.substring(start < 0 ? 0 : start + 2).split("\\|")) {
            int equals = field.indexOf('=');
            if (equals > 0) {
                fields.put(field.substring(0, equals), field.substring(equals + 1));
            }
        }
        return fields;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("p0f logged an address that is not one: " + text, e);
        }
    }
}
