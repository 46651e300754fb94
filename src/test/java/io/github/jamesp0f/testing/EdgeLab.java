package io.github.jamesp0f.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * An edge host in front of James nodes, built by {@code contrib/tools/edge-lab.sh} (the demo's
 * topology too): a client namespace, an edge namespace with HAProxy (contrib/edge/haproxy.cfg,
 * PROXY v2 to the nodes, round robin), a real p0f sniffing the edge's client-facing link and its
 * API relayed over TCP by systemd-socket-proxyd; the nodes are this JVM's James servers, on
 * addresses of the private link. {@link #close()} (and a JVM shutdown hook, if the test never
 * gets there) stops the daemons by their PIDs and removes the namespaces. Skips the test where
 * root, p0f, HAProxy, iproute2, python3 or systemd's socket tools are missing.
 */
public final class EdgeLab implements AutoCloseable {

    public static final String SCRIPT = "contrib/tools/edge-lab.sh";
    /** Where crafted SYNs go in the edge namespace: p0f sees them, nothing listens. */
    private static final int SYN_PORT = 2599;
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Thread shutdownHook;
    private Map<String, String> env = Map.of();

    private EdgeLab(Path dir) {
        this.dir = dir;
        this.shutdownHook = new Thread(this::down, "edge-lab-cleanup");
    }

    public static void assumeAvailable() {
        CraftedSyn.assumeAvailable();
        for (String tool : new String[] {"/usr/sbin/haproxy", "/usr/sbin/ip", "/usr/bin/systemd-socket-activate",
            "/lib/systemd/systemd-socket-proxyd"}) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                "needs " + tool + " (apt-get install haproxy iproute2 systemd)");
        }
    }

    /**
     * Builds the lab on {@code net} ("198.18.80": the client link 198.18.80.0/24, the private link
     * 198.18.81.0/24) for {@code nodes} ("198.18.81.2:PORT", ...), with p0f and its relay running;
     * HAProxy starts with {@link #startHaproxy()}, once the nodes listen.
     */
    public static EdgeLab up(String net, List<String> nodes) throws IOException {
        assumeAvailable();
        EdgeLab lab = new EdgeLab(Files.createTempDirectory("edge-lab"));
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        List<String> arguments = new ArrayList<>(List.of("up", lab.dir.toString(), "--net", net,
            "--syn-port", Integer.toString(SYN_PORT)));
        for (String node : nodes) {
            arguments.add("--node");
            arguments.add(node);
        }
        try {
            lab.script(arguments);
            lab.env = lab.readEnv();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Starts HAProxy; returns once it passes connections on, every node up. */
    public void startHaproxy() {
        start("haproxy");
    }

    /** Starts "haproxy", "p0f" or "relay" (again). */
    public void start(String daemon) {
        script(List.of("start", dir.toString(), daemon));
        env = readEnv();
    }

    /** HAProxy's nodes, one line each: {@code james_smtp/james1 status=UP check=L7OK failed_checks=0}. */
    public String haproxyServers() {
        return script(List.of("status", dir.toString()));
    }

    /** Stops "haproxy", "p0f" or "relay" (by its PID). */
    public void stop(String daemon) {
        script(List.of("stop", dir.toString(), daemon));
    }

    /**
     * Sends a crafted SYN of {@code profile} from {@code source} (in {@link #craftedNet()}) across the
     * client link, and waits until the edge's p0f names its OS.
     */
    public RawP0fQuery.Answer craftSyn(CraftedSyn.Profile profile, InetAddress source) {
        CraftedSyn.sendOnLink(get("CLIENT_NS"), get("CLIENT_IF"), edgePublic(), profile, source, SYN_PORT);
        return CraftedSyn.awaitOsKnown(p0fSocket(), source, Duration.ofSeconds(5));
    }

    public String clientNamespace() {
        return get("CLIENT_NS");
    }

    /** Where clients connect: HAProxy's frontend, {@code A.B.C.1}. */
    public InetAddress edgePublic() {
        return address(get("EDGE_PUBLIC"));
    }

    public int smtpPort() {
        return port("SMTP");
    }

    /** A second frontend whose connections reach the same nodes from {@link #unlistedProxy()}. */
    public int unlistedSmtpPort() {
        return port("SMTP_UNLISTED");
    }

    /** The edge's address on the private link: HAProxy's source towards the nodes, and the relay's. */
    public InetAddress edgePrivate() {
        return address(get("EDGE_PRIVATE"));
    }

    /** The source of the second frontend's connections: a proxy the nodes do not list. */
    public InetAddress unlistedProxy() {
        return address(get("UNLISTED_PROXY"));
    }

    /** p0f's API over TCP, {@code IP:PORT}, as {@code <p0fAddress>} takes it. */
    public String p0fAddress() {
        return get("P0F_API");
    }

    /** p0f's unix socket (a file: reachable from this namespace too). */
    public Path p0fSocket() {
        return dir.resolve("p0f.sock");
    }

    /** The client namespace's own address: its connections are real Linux ones. */
    public InetAddress linuxClient() {
        return address(get("LINUX_CLIENT"));
    }

    /** Sources that keep their crafted fingerprint ({@code A.B.C.64/26}): {@code craftedSource(77)} is A.B.C.77. */
    public InetAddress craftedSource(int host) {
        if (host < 64 || host > 127) {
            throw new IllegalArgumentException("crafted sources are .64 to .127, not ." + host);
        }
        String net = get("CRAFTED_NET");
        return address(net.substring(0, net.lastIndexOf('.') + 1) + host);
    }

    /** What p0f logged (-o): one entry per SYN and per connection it saw on the client link. */
    public String p0fObservations() {
        return read("p0f-observations.log");
    }

    /** HAProxy's log: one line per connection, naming the node that took it. */
    public String haproxyLog() {
        return read("haproxy.log");
    }

    @Override
    public void close() {
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran
        }
    }

    private synchronized void down() {
        if (Files.exists(dir.resolve("lab.env"))) {
            script(List.of("down", dir.toString()));
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }

    private String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("edge-lab.sh wrote no " + key + " in " + dir.resolve("lab.env"));
        }
        return value;
    }

    private int port(String key) {
        String value = get(key);
        return Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
    }

    private Map<String, String> readEnv() {
        Map<String, String> values = new HashMap<>();
        for (String line : read("lab.env").split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                values.put(line.substring(0, equals), line.substring(equals + 1).replace("\"", ""));
            }
        }
        return values;
    }

    private String read(String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Runs the script to its end; what it printed. */
    private String script(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(ProjectFile.of(SCRIPT).toString());
        command.addAll(arguments);
        return Commands.check(command, "", SCRIPT_TIMEOUT);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(literal, e);
        }
    }

    @Override
    public String toString() {
        return "edge lab in " + dir + " " + env;
    }
}
