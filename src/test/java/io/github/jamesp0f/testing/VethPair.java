package io.github.jamesp0f.testing;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;

import com.google.common.net.InetAddresses;

/**
 * Two network namespaces of the test's own joined by a veth pair, so that this machine's kernel
 * sends real SYNs over a real link (not loopback): a client namespace and a server namespace, with
 * addresses .1 (client) and .2 (server) of the test's own /24 of 198.18.0.0/15 (RFC 2544's
 * benchmarking range; each helper of the project has its share of it) and ::1 and ::2 of a /64 of
 * 2001:2::/48 (RFC 5180's IPv6 one). Nothing routes out of the namespaces. Their names carry the
 * test's prefix, this JVM's PID and a counter, so that runs of other engineers never collide;
 * {@link #close()} deletes both (the veth goes with them), and a JVM shutdown hook does if the test
 * never does.
 */
public final class VethPair implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String ipv4Network;
    private final String ipv6Network;
    private final String clientInterface;
    private final String serverInterface;
    private final Thread shutdownHook;
    private NetworkNamespace client;
    private NetworkNamespace server;

    private VethPair(String prefix, String ipv4Network, String ipv6Network) {
        String suffix = ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet();
        this.ipv4Network = ipv4Network;
        this.ipv6Network = ipv6Network;
        this.clientInterface = prefix.charAt(0) + "c" + suffix;
        this.serverInterface = prefix.charAt(0) + "s" + suffix;
        this.shutdownHook = new Thread(this::close, "veth-pair-cleanup-" + suffix);
    }

    /**
     * Makes the namespaces ({@code PREFIX-c-...} and {@code PREFIX-s-...}) and the link, MTU
     * {@code mtu}, default sysctls, e.g. {@code create("lbl", "198.18.16", "2001:2:0:16", 1500)};
     * skips the test without root or iproute2.
     */
    public static VethPair create(String prefix, String ipv4Network, String ipv6Network, int mtu) {
        RealP0f.assumeAvailable();
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/ip")) || Files.isExecutable(Paths.get("/sbin/ip")),
            "needs iproute2's ip to make network namespaces (apt-get install iproute2)");
        VethPair pair = new VethPair(prefix, ipv4Network, ipv6Network);
        Runtime.getRuntime().addShutdownHook(pair.shutdownHook);
        try {
            pair.client = NetworkNamespace.create(prefix + "-c");
            pair.server = NetworkNamespace.create(prefix + "-s");
            pair.client.vethTo(pair.server, pair.clientInterface, pair.serverInterface,
                List.of(ipv4Network + ".1/24", ipv6Network + "::1/64"), List.of(ipv4Network + ".2/24", ipv6Network + "::2/64"),
                mtu);
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    public NetworkNamespace client() {
        return client;
    }

    public NetworkNamespace server() {
        return server;
    }

    public String serverNamespace() {
        return server.name();
    }

    public String serverInterface() {
        return serverInterface;
    }

    public InetAddress clientAddress(boolean ipv6) {
        return InetAddresses.forString(ipv6 ? ipv6Network + "::1" : ipv4Network + ".1");
    }

    public InetAddress serverAddress(boolean ipv6) {
        return InetAddresses.forString(ipv6 ? ipv6Network + "::2" : ipv4Network + ".2");
    }

    /** Another address of the client's network on its end of the link, e.g. host 10: 198.18.16.10. */
    public InetAddress addClientAddress(int host, boolean ipv6) {
        if (ipv6) {
            client.exec("ip", "address", "add", ipv6Network + "::" + Integer.toHexString(host) + "/64", "dev",
                clientInterface, "nodad");
            return InetAddresses.forString(ipv6Network + "::" + Integer.toHexString(host));
        }
        client.exec("ip", "address", "add", ipv4Network + "." + host + "/24", "dev", clientInterface);
        return InetAddresses.forString(ipv4Network + "." + host);
    }

    /** Both ends' MTU. Below 1280 bytes the kernel takes IPv6 off the link for good. */
    public void setMtu(int mtu) {
        client.exec("ip", "link", "set", clientInterface, "mtu", Integer.toString(mtu));
        server.exec("ip", "link", "set", serverInterface, "mtu", Integer.toString(mtu));
    }

    /**
     * A real TCP connection attempt from the client namespace to {@code port} on the server's
     * address: the kernel's own SYN crosses the link (nobody needs to listen; a reset ends it).
     */
    public void connectFromClient(boolean ipv6, int port) {
        String family = ipv6 ? "AF_INET6" : "AF_INET";
        client.exec("python3", "-c",
            "import socket\ns = socket.socket(socket." + family + ")\ns.settimeout(2)\n"
                + "try:\n    s.connect(('" + serverAddress(ipv6).getHostAddress() + "', " + port + "))\n"
                + "except OSError:\n    pass\n");
    }

    @Override
    public synchronized void close() {
        for (NetworkNamespace namespace : new NetworkNamespace[] {client, server}) {
            if (namespace != null && Files.exists(Paths.get("/run/netns", namespace.name()))) {
                namespace.close();
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

    @Override
    public String toString() {
        return "veth " + serverInterface + " between namespaces " + client.name() + " and " + server.name();
    }
}
