package io.github.jamesp0f.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * Makes a real p0f believe a loopback address runs another operating system, by running
 * {@code contrib/tools/craft-syn.py} (a raw-socket SYN shaped like that system; needs root and
 * python3). Use sources 127.0.0.64-127 so that {@link RealP0f}'s filter keeps their crafted
 * fingerprint while they also open real connections. {@link #sendOnLink} sends it on a link
 * between network namespaces instead (craft-syn.py --interface).
 */
public final class CraftedSyn {

    public static final String SCRIPT = "contrib/tools/craft-syn.py";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_AWAIT = Duration.ofSeconds(5);

    /** The profiles of craft-syn.py, with what p0f's v3 API answers for them with contrib/p0f/p0f.fp. */
    public enum Profile {
        WINDOWS_7("windows-7", "Windows", "7 or 8", 128),
        WINDOWS_10("windows-10", "Windows", "10 or 11 (or Server 2016+)", 128),
        WINDOWS_XP("windows-xp", "Windows", "XP", 128),
        FREEBSD("freebsd", "FreeBSD", "9.x or newer", 64),
        /** Its flavor fills all 32 bytes of the answer: p0f sends it without a NUL. */
        MACOS("macos", "MacOS X", "10.9 or newer (sometimes iPhone ", 64),
        MACOS_10("macos-10", "Mac OS X", "10.x", 64),
        LINUX("linux", "Linux", "3.11-4.18", 64),
        /** What this machine's Linux 6.18 sends through a veth with MTU 1500. */
        LINUX_MODERN("linux-modern", "Linux", "4.19 and newer", 64),
        APPLE("apple", "Mac OS X", "(macOS, iOS or iPadOS)", 64);

        private final String scriptName;
        private final String osName;
        private final String osFlavor;
        private final int initialTtl;

        Profile(String scriptName, String osName, String osFlavor, int initialTtl) {
            this.scriptName = scriptName;
            this.osName = osName;
            this.osFlavor = osFlavor;
            this.initialTtl = initialTtl;
        }

        public String scriptName() {
            return scriptName;
        }

        public String osName() {
            return osName;
        }

        public String osFlavor() {
            return osFlavor;
        }

        public int initialTtl() {
            return initialTtl;
        }
    }

    private CraftedSyn() {
    }

    /** Skips the calling test unless craft-syn.py can run here (root, python3, the script). */
    public static void assumeAvailable() {
        RealP0f.assumeAvailable();
        Assumptions.assumeTrue(findPython() != null, "needs python3 to send crafted SYNs (apt-get install python3)");
        Assumptions.assumeTrue(Files.isRegularFile(script()), "needs " + SCRIPT + " (looked at " + script() + ")");
    }

    /** Sends the SYN to p0f's crafted-SYN port and waits until p0f names the profile's OS for it. */
    public static RawP0fQuery.Answer sendAndAwait(RealP0f p0f, Profile profile, InetAddress source) {
        send(profile, source, p0f.craftedSynPort());
        return awaitOsKnown(p0f.socketPath(), source, DEFAULT_AWAIT);
    }

    /** As above, with a TTL below the profile's initial one: p0f reports the difference as distance. */
    public static RawP0fQuery.Answer sendAndAwait(RealP0f p0f, Profile profile, InetAddress source, int ttl) {
        send(profile, source, p0f.craftedSynPort(), ttl);
        return awaitOsKnown(p0f.socketPath(), source, DEFAULT_AWAIT);
    }

    public static void send(Profile profile, InetAddress source, int port) {
        run(profile, source, port, null);
    }

    public static void send(Profile profile, InetAddress source, int port, int ttl) {
        run(profile, source, port, ttl);
    }

    private static void run(Profile profile, InetAddress source, int port, Integer ttl) {
        if (!(source instanceof Inet4Address) || !source.isLoopbackAddress()) {
            throw new IllegalArgumentException("crafted SYNs go from IPv4 loopback addresses only, not " + source);
        }
        assumeAvailable();
        List<String> command = new ArrayList<>(List.of(findPython(), script().toString(), profile.scriptName(),
            source.getHostAddress(), Integer.toString(port)));
        if (ttl != null) {
            command.add("--ttl");
            command.add(ttl.toString());
        }
        run(command);
    }

    /**
     * Sends the SYN from inside network namespace {@code namespace}, on its Ethernet link
     * {@code link}, to {@code destination}'s {@code port} on that link (craft-syn.py --interface):
     * for a p0f on the other end of the link, in another namespace.
     */
    public static void sendOnLink(String namespace, String link, InetAddress destination, Profile profile,
                                  InetAddress source, int port) {
        assumeAvailable();
        run(List.of("ip", "netns", "exec", namespace, findPython(), script().toString(), profile.scriptName(),
            source.getHostAddress(), Integer.toString(port), "--interface", link, "--destination",
            destination.getHostAddress()));
    }

    private static void run(List<String> command) {
        Commands.check(command, "", SCRIPT_TIMEOUT);
    }

    /**
     * Waits, at most {@code timeout}, until p0f answers OK with an OS name for {@code address}
     * (p0f needs a few milliseconds after the SYN). Asks with {@link RawP0fQuery}, not with the
     * client under test.
     *
     * @throws AssertionError naming the last answer when p0f has not named an OS in time
     */
    public static RawP0fQuery.Answer awaitOsKnown(Path socket, InetAddress address, Duration timeout) {
        return await(socket, address, timeout, true);
    }

    /** Waits until p0f answers OK for {@code address} at all (also an address p0f knows no OS for). */
    public static RawP0fQuery.Answer awaitOk(Path socket, InetAddress address, Duration timeout) {
        return await(socket, address, timeout, false);
    }

    private static RawP0fQuery.Answer await(Path socket, InetAddress address, Duration timeout, boolean needOs) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                RawP0fQuery.Answer answer = RawP0fQuery.ask(socket, address, Duration.ofSeconds(2));
                if (answer.isOk() && (!needOs || !answer.osName().isEmpty())) {
                    return answer;
                }
                last = answer.toString();
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("p0f at " + socket + " did not " + (needOs ? "name an OS" : "answer OK")
                    + " for " + address.getHostAddress() + " within " + timeout.toMillis() + " ms; last: " + last);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for p0f", e);
            }
        }
    }

    /** craft-syn.py, found from the project's base directory. */
    public static Path script() {
        return ProjectFile.of(SCRIPT);
    }

    public static String findPython() {
        for (String candidate : new String[] {"/usr/bin/python3", "/usr/local/bin/python3"}) {
            if (Files.isExecutable(Paths.get(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
