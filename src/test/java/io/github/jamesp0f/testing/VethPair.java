package io.github.jamesp0f.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;

/**
 * Two network namespaces of the test's own joined by a veth pair, so that this machine's kernel
 * sends real SYNs over a real link (not loopback): a client namespace and a server namespace, with
 * 198.18.16.1 and .2 (198.18.0.0/15 is RFC 2544's benchmarking range, and 198.18.16.0/20 the label
 * tests' share of it) and 2001:2:0:16::1 and ::2 (RFC 5180's IPv6 benchmarking range). Nothing routes
 * out of the namespaces. Their names end with this JVM's PID and a counter, so that runs of other
 * engineers never collide; {@link #close()} deletes both (the veth goes with them), and a JVM
 * shutdown hook does if the test never does.
 */
public final class VethPair implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String client;
    private final String server;
    private final String serverInterface;
    private final Thread shutdownHook;

    private VethPair(String suffix) {
        this.client = "lblc" + suffix;
        this.server = "lbls" + suffix;
        this.serverInterface = "ls" + suffix;
        this.shutdownHook = new Thread(this::close, "veth-pair-cleanup-" + suffix);
    }

    /** Makes the namespaces and the link, MTU {@code mtu}, default sysctls; skips the test without root or iproute2. */
    public static VethPair create(int mtu) {
        RealP0f.assumeAvailable();
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/ip")) || Files.isExecutable(Paths.get("/sbin/ip")),
            "needs iproute2's ip to make network namespaces (apt-get install iproute2)");
        VethPair pair = new VethPair(ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet());
        Runtime.getRuntime().addShutdownHook(pair.shutdownHook);
        try {
            pair.setUp(mtu);
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    private void setUp(int mtu) {
        String clientInterface = "lc" + serverInterface.substring(2);
        run("ip", "netns", "add", client);
        run("ip", "netns", "add", server);
        run("ip", "link", "add", clientInterface, "netns", client, "type", "veth", "peer", "name", serverInterface,
            "netns", server);
        for (String[] end : new String[][] {{client, clientInterface, "1"}, {server, serverInterface, "2"}}) {
            run("ip", "-n", end[0], "link", "set", "lo", "up");
            run("ip", "-n", end[0], "link", "set", end[1], "mtu", Integer.toString(mtu), "up");
            run("ip", "-n", end[0], "addr", "add", "198.18.16." + end[2] + "/24", "dev", end[1]);
            run("ip", "-n", end[0], "addr", "add", "2001:2:0:16::" + end[2] + "/64", "dev", end[1], "nodad");
        }
    }

    public String serverNamespace() {
        return server;
    }

    public String serverInterface() {
        return serverInterface;
    }

    public InetAddress clientAddress(boolean ipv6) {
        return address(ipv6 ? "2001:2:0:16::1" : "198.18.16.1");
    }

    public InetAddress serverAddress(boolean ipv6) {
        return address(ipv6 ? "2001:2:0:16::2" : "198.18.16.2");
    }

    /**
     * A real TCP connection attempt from the client namespace to {@code port} on the server's
     * address: the kernel's own SYN crosses the link (nobody needs to listen; a reset ends it).
     */
    public void connectFromClient(boolean ipv6, int port) {
        String family = ipv6 ? "AF_INET6" : "AF_INET";
        run("ip", "netns", "exec", client, "python3", "-c",
            "import socket\ns = socket.socket(socket." + family + ")\ns.settimeout(2)\n"
                + "try:\n    s.connect(('" + serverAddress(ipv6).getHostAddress() + "', " + port + "))\n"
                + "except OSError:\n    pass\n");
    }

    @Override
    public synchronized void close() {
        for (String namespace : new String[] {client, server}) {
            if (Files.exists(Paths.get("/run/netns", namespace))) {
                run("ip", "netns", "del", namespace);
            }
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down.
            }
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(text, e);
        }
    }

    private static void run(String... command) {
        Commands.check(List.of(command), "", Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return "veth " + serverInterface + " between namespaces " + client + " and " + server;
    }
}
