package io.github.jamesp0f.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * An address in the tcp helper's test range (198.18.32.0/20) where no host answers: a veth pair
 * from this namespace to a network namespace of its own, on a /29 of its own; the namespace holds
 * {@code .2}, and nobody holds {@code .3}, so this host's ARP for it is never answered and a
 * connect() to it gets no reply at all (after about 3 s the kernel gives up: "No route to host").
 * That is what a black-holed or unreachable p0f edge looks like to the client. Everything is
 * removed on {@link #close()}, names carry this JVM's PID and a random suffix so that parallel
 * runs never collide. Needs root and {@code ip}; skips the test otherwise.
 */
public final class BlackHole implements AutoCloseable {

    private static final String IP = "/usr/sbin/ip";

    private final String namespace;
    private final String hostSide;
    private final InetAddress silent;

    private BlackHole(String namespace, String hostSide, InetAddress silent) {
        this.namespace = namespace;
        this.hostSide = hostSide;
        this.silent = silent;
    }

    public static BlackHole create() throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "a network namespace needs root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(IP)), "needs " + IP + " (iproute2)");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String suffix = Integer.toHexString(random.nextInt(0x100000, 0x1000000));
        String namespace = "tcpbh-" + ProcessHandle.current().pid() + "-" + suffix;
        String hostSide = "tbh" + suffix + "a";
        String nsSide = "tbh" + suffix + "b";
        String net = "198.18." + (32 + random.nextInt(16)) + ".";
        int base = random.nextInt(32) * 8;
        BlackHole hole = new BlackHole(namespace, hostSide, InetAddress.getByName(net + (base + 3)));
        try {
            ip("netns", "add", namespace);
            ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
            ip("link", "set", nsSide, "netns", namespace);
            ip("addr", "add", net + (base + 1) + "/29", "dev", hostSide);
            ip("link", "set", hostSide, "up");
            ip("-n", namespace, "addr", "add", net + (base + 2) + "/29", "dev", nsSide);
            ip("-n", namespace, "link", "set", nsSide, "up");
        } catch (IOException | RuntimeException e) {
            hole.close();
            throw e;
        }
        return hole;
    }

    /** An address on the link where no host answers. */
    public InetAddress silentAddress() {
        return silent;
    }

    @Override
    public void close() {
        // Deleting the namespace destroys its end of the pair, and with it the pair.
        quietly("netns", "del", namespace);
        quietly("link", "del", hostSide);
    }

    private static void quietly(String... args) {
        try {
            run(args);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // already gone, or never made
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        String failure = run(args);
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    /** Null when {@code ip} succeeded, else what it said. */
    private static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(IP);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish within 10 s";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + process.exitValue() + ": " + output;
    }
}
