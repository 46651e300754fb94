package io.github.jamesp0f.testing;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;

import com.google.common.net.InetAddresses;

/**
 * A TUN device of the test's own in this namespace: a link on which servers of the test listen at
 * {@link #serverAddress}, and on which {@code contrib/tools/crafted-smtp.py} plays any number of
 * client hosts ({@link #clientAddress}) whose packets it writes and reads itself, so that no kernel
 * socket exists on the client side. Addresses: one /24 of 198.18.112.0/21 (the kernel source's
 * tests' share of RFC 2544's benchmarking range) that no interface holds, and the matching /64 of
 * 2001:2::/48 (RFC 5180's). Nothing routes out of the link. The device's name ends with this JVM's
 * PID and a counter, so that runs of other engineers never collide; {@link #close()} deletes it,
 * and a JVM shutdown hook does if the test never does.
 */
public final class TunLink implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final int FIRST_THIRD_OCTET = 112;
    /** 198.18.112.0/21; the demo's TUN link takes its /24 from 198.18.120.0/21. */
    private static final int SUBNETS = 8;

    private final String name;
    private final int subnet;
    private final Thread shutdownHook;

    private TunLink(String name, int subnet) {
        this.name = name;
        this.subnet = subnet;
        this.shutdownHook = new Thread(this::close, "tun-link-cleanup-" + name);
    }

    /** Makes the device, up, with both server addresses; skips the test without root, /dev/net/tun or ip. */
    public static TunLink create() {
        assumeAvailable();
        TunLink link = new TunLink("kt" + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet(), freeSubnet());
        Runtime.getRuntime().addShutdownHook(link.shutdownHook);
        try {
            run("ip", "tuntap", "add", "dev", link.name, "mode", "tun");
            run("ip", "addr", "add", link.ipv4(1).getHostAddress() + "/24", "dev", link.name);
            run("ip", "addr", "add", link.ipv6(1).getHostAddress() + "/64", "dev", link.name, "nodad");
            run("ip", "link", "set", link.name, "up");
            return link;
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** Skips the calling test unless a TUN link and crafted-smtp.py can work here. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
            "needs root to make a TUN device (running as " + System.getProperty("user.name") + ")");
        Assumptions.assumeTrue(Files.exists(Paths.get("/dev/net/tun")), "needs /dev/net/tun (modprobe tun)");
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/ip")) || Files.isExecutable(Paths.get("/sbin/ip")),
            "needs iproute2's ip to make a TUN device (apt-get install iproute2)");
        Assumptions.assumeTrue(CraftedSyn.findPython() != null, "needs python3 for crafted-smtp.py (apt-get install python3)");
    }

    /** A /24 of the range that no interface of this machine holds now, from a random start. */
    private static int freeSubnet() {
        int start = ThreadLocalRandom.current().nextInt(SUBNETS);
        for (int i = 0; i < SUBNETS; i++) {
            int candidate = (start + i) % SUBNETS;
            String prefix = "198.18." + (FIRST_THIRD_OCTET + candidate) + ".0/24";
            if (run("ip", "-o", "addr", "show", "to", prefix).isEmpty()) {
                return candidate;
            }
        }
        throw new IllegalStateException("every /24 of 198.18.112.0/21 is on an interface: TUN links left behind?"
            + " (ip -o addr show to 198.18.112.0/21)");
    }

    public String name() {
        return name;
    }

    /** This machine's address on the link, where the test's servers listen. */
    public InetAddress serverAddress(boolean ipv6) {
        return ipv6 ? ipv6(1) : ipv4(1);
    }

    /** A client host on the link, 2 to 254, played by crafted-smtp.py. */
    public InetAddress clientAddress(int host, boolean ipv6) {
        if (host < 2 || host > 254) {
            throw new IllegalArgumentException("client hosts are 2 to 254, not " + host);
        }
        return ipv6 ? ipv6(host) : ipv4(host);
    }

    private InetAddress ipv4(int host) {
        return InetAddresses.forString("198.18." + (FIRST_THIRD_OCTET + subnet) + "." + host);
    }

    private InetAddress ipv6(int host) {
        return InetAddresses.forString("2001:2:0:" + Integer.toHexString(0x1120 + subnet) + "::" + Integer.toHexString(host));
    }

    @Override
    public synchronized void close() {
        if (Files.exists(Paths.get("/sys/class/net", name))) {
            run("ip", "link", "del", name);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down.
            }
        }
    }

    private static String run(String... command) {
        return Commands.check(List.of(command), "", Duration.ofSeconds(10)).trim();
    }

    @Override
    public String toString() {
        return "TUN link " + name + " (" + ipv4(1).getHostAddress() + "/24)";
    }
}
