package io.github.jamesp0f.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports for servers the tests start (James, p0f's watched port, PostgreSQL, relays).
 *
 * <p>A port the kernel hands out for port 0 lies in the ephemeral range, where any outgoing
 * connection made before the server binds may take it (CI saw James fail with a Bind error
 * that way). So ports come from below that range, free on both loopbacks right now, and never
 * the same one twice in a JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 20000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port below the ephemeral range, free on 127.0.0.1 and ::1, not handed out before. */
    public static synchronized int next() {
        int highest = ephemeralRangeStart() - 1;
        int span = highest - LOWEST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = LOWEST + (start + i) % span;
            if (!HANDED_OUT.contains(port) && freeOn(port, "127.0.0.1") && freeOn(port, "::1")) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no port free on 127.0.0.1 and ::1 between " + LOWEST + " and " + highest);
    }

    private static boolean freeOn(int port, String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 1);
            return true;
        } catch (IOException busy) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Paths.get("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 1000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException notLinux) {
            return 32768;
        }
    }
}
