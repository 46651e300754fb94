package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real DNS server for tests: unbound, started as a child process on port 53 of a private
 * loopback address (127.53.0.N, the first free one), answering only the records a test gives it
 * and NXDOMAIN for every other name ({@code local-zone: "." static}: it never asks the Internet).
 * The system's resolver (/etc/resolv.conf, systemd-resolved on 127.0.0.53) is never touched;
 * James is pointed at it through its own dnsservice.xml ({@link #jamesDnsServiceXml()}).
 *
 * <pre>
 *   try (RealDns dns = RealDns.start()) {
 *       dns.host("mail-1.outbound.protection.outlook.com", "127.0.0.65");   // PTR and A
 *       dns.ptr("127.0.0.66", "liar.example");                               // PTR only: not confirmed
 *       dns.stall();                                                         // stops answering
 *   }
 * </pre>
 *
 * Port 53 because James's DNS service (dnsjava's ExtendedResolver) only takes server names, not
 * ports: so the tests need root, and skip with a message without it or without unbound.
 * Records are added at run time with unbound-control over a unix socket in the temp folder.
 */
public final class RealDns implements AutoCloseable {

    public static final Path UNBOUND = Paths.get("/usr/sbin/unbound");
    public static final Path UNBOUND_CONTROL = Paths.get("/usr/sbin/unbound-control");
    private static final int FIRST_HOST = 1;
    private static final int LAST_HOST = 40;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final int TTL = 300;

    private final Process process;
    private final InetAddress address;
    private final Path home;
    private final Path config;
    private boolean stalled;

    private RealDns(Process process, InetAddress address, Path home, Path config) {
        this.process = process;
        this.address = address;
        this.home = home;
        this.config = config;
    }

    /** Skips the calling test unless unbound can run here on port 53 (root, the binaries). */
    public static void assumeAvailable() {
        int uid = uid();
        Assumptions.assumeTrue(uid == 0, "needs root to run a DNS server on port 53 (running as uid " + uid + ")");
        Assumptions.assumeTrue(Files.isExecutable(UNBOUND) && Files.isExecutable(UNBOUND_CONTROL),
            "needs unbound at " + UNBOUND + " and " + UNBOUND_CONTROL + " (apt-get install unbound)");
    }

    /** Starts an unbound with no records (every name: NXDOMAIN) on the first free 127.53.0.N. */
    public static RealDns start() {
        assumeAvailable();
        List<String> failures = new ArrayList<>();
        for (int host = FIRST_HOST; host <= LAST_HOST; host++) {
            InetAddress candidate = loopback(host);
            if (!free(candidate)) {
                continue;
            }
            try {
                return startOn(candidate);
            } catch (IllegalStateException e) {
                failures.add(e.getMessage());
            }
        }
        throw new IllegalStateException("could not start unbound on any of 127.53.0." + FIRST_HOST + "-" + LAST_HOST
            + ": " + failures);
    }

    private static RealDns startOn(InetAddress address) {
        Path home;
        try {
            home = Files.createTempDirectory("real-dns-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path config = home.resolve("unbound.conf");
        Path log = home.resolve("unbound.log");
        write(config, String.join("\n",
            "server:",
            "  interface: " + address.getHostAddress(),
            "  port: 53",
            "  do-daemonize: no",
            "  username: \"\"",
            "  chroot: \"\"",
            "  directory: \"" + home + "\"",
            "  pidfile: \"\"",
            "  use-syslog: no",
            "  logfile: \"\"",
            "  verbosity: 1",
            "  num-threads: 1",
            "  so-reuseport: no",
            "  do-ip6: no",
            "  access-control: 127.0.0.0/8 allow",
            "  module-config: \"iterator\"",
            // Every name is answered from local data, NXDOMAIN otherwise: nothing leaves the machine.
            "  local-zone: \".\" static",
            "remote-control:",
            "  control-enable: yes",
            "  control-use-cert: no",
            "  control-interface: \"" + home.resolve("control.sock") + "\"",
            ""));
        Process process;
        try {
            process = new ProcessBuilder(UNBOUND.toString(), "-d", "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + UNBOUND, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!read(log).contains("start of service")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                String output = read(log);
                deleteQuietly(home);
                throw new IllegalStateException("unbound on " + address.getHostAddress() + ":53 did not start: " + output);
            }
            sleep(20);
        }
        return new RealDns(process, address, home, config);
    }

    /** The server's address (port 53). */
    public InetAddress address() {
        return address;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, 53);
    }

    /** A name with both its PTR (address to name) and its A or AAAA (name to address): FCrDNS confirms it. */
    public RealDns host(String name, String address) {
        return ptr(address, name).a(name, address);
    }

    /** A PTR record: {@code address} (IPv4 or IPv6) resolves back to {@code name}. */
    public RealDns ptr(String address, String name) {
        return localData(reverseName(parse(address)) + " " + TTL + " IN PTR " + absolute(name));
    }

    /** An A or AAAA record, by the address's family. */
    public RealDns a(String name, String address) {
        InetAddress parsed = parse(address);
        String type = parsed instanceof Inet4Address ? "A" : "AAAA";
        return localData(absolute(name) + " " + TTL + " IN " + type + " " + parsed.getHostAddress());
    }

    /** Stops answering (the process is suspended, queries pile up unanswered) until {@link #resume()}. */
    public synchronized void stall() {
        signal("STOP");
        stalled = true;
    }

    public synchronized void resume() {
        signal("CONT");
        stalled = false;
    }

    /** James's conf/dnsservice.xml using this server only (no autodiscovery of the system's servers). */
    public String jamesDnsServiceXml() {
        return "<dnsservice>\n"
            + "  <servers><server>" + address.getHostAddress() + "</server></servers>\n"
            + "  <autodiscover>false</autodiscover>\n"
            + "  <authoritative>false</authoritative>\n"
            + "  <maxcachesize>50000</maxcachesize>\n"
            + "</dnsservice>\n";
    }

    @Override
    public synchronized void close() {
        if (stalled) {
            signal("CONT");
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteQuietly(home);
    }

    private synchronized RealDns localData(String record) {
        if (stalled) {
            throw new IllegalStateException("resume() the DNS server before adding records");
        }
        String output = run(false, UNBOUND_CONTROL.toString(), "-c", config.toString(), "local_data", record);
        if (!output.trim().equals("ok")) {
            throw new IllegalArgumentException("unbound refused record '" + record + "': " + output);
        }
        return this;
    }

    private void signal(String signal) {
        run(true, "kill", "-" + signal, String.valueOf(process.pid()));
    }

    /** The command's output; {@code check}: a failing exit status throws. */
    private static String run(boolean check, String... command) {
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(10, TimeUnit.SECONDS) || (check && child.exitValue() != 0)) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** "7.0.0.127.in-addr.arpa." or the nibble form under ip6.arpa. */
    static String reverseName(InetAddress address) {
        byte[] bytes = address.getAddress();
        StringBuilder name = new StringBuilder();
        if (bytes.length == 4) {
            for (int i = 3; i >= 0; i--) {
                name.append(bytes[i] & 0xff).append('.');
            }
            return name.append("in-addr.arpa.").toString();
        }
        for (int i = 15; i >= 0; i--) {
            name.append(Character.forDigit(bytes[i] & 0xf, 16)).append('.')
                .append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append('.');
        }
        return name.append("ip6.arpa.").toString();
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    private static InetAddress parse(String address) {
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address literal: " + address);
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
    }

    private static InetAddress loopback(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 53, 0, (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean free(InetAddress address) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 53))) {
            return probe.isBound();
        } catch (SocketException busy) {
            return false;
        }
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static void write(Path path, String text) {
        try {
            Files.writeString(path, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.exists(path) ? Files.readString(path) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temp folder left behind is not worth failing a test for.
        }
    }
}
