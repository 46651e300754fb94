package io.github.jamesp0f.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces of the test's own, joined by a veth, where real p0f processes (one per
 * database, all sniffing the server namespace) see SYNs of two kinds:
 * <ul>
 * <li>crafted ones, sent as given onto the server namespace's loopback ({@link #send}), from
 * {@link #craftedSource} addresses: 127.16.0.0/12, or 2001:2:0:65::/64 for IPv6 (no interface has
 * it, so the kernel's resets to them go nowhere);</li>
 * <li>real ones from this machine's kernel, over the veth ({@link #connectOverVeth}: client
 * 198.18.64.10 and up, or 2001:2:0:64::10 and up; server 198.18.64.1, 2001:2:0:64::1) or over the
 * server namespace's loopback ({@link #connectOverLoopback}), each returning the SYN as the server's
 * kernel saved it (TCP_SAVED_SYN).</li>
 * </ul>
 * Addresses are the syn helper's (198.18.64.0/20 and RFC 5180's 2001:2::/48); everything is removed
 * on {@link #close()}. Needs root, iproute2, python3 and p0f.
 */
public final class SynLab implements AutoCloseable {

    /** Where crafted SYNs go (nobody listens: p0f records the host from the SYN alone). */
    public static final int CRAFTED_PORT = 2599;
    private static final int LISTEN_PORT = 2525;
    private static final int VETH_MTU = 1500;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final int BATCH = 250;
    private static final Duration P0F_CATCH_UP = Duration.ofSeconds(20);

    private final NetworkNamespace server;
    private final NetworkNamespace client;
    private final String veth;
    private final Map<Path, NamespaceP0f> p0fs = new LinkedHashMap<>();
    private final Process listener;
    private final BlockingQueue<String> savedSyns = new LinkedBlockingQueue<>();
    private int connections;

    private SynLab(NetworkNamespace server, NetworkNamespace client, String veth, Process listener) {
        this.server = server;
        this.client = client;
        this.veth = veth;
        this.listener = listener;
    }

    /** Builds the namespaces and starts one p0f per database and the saved-SYN listener. */
    public static SynLab start(List<Path> databases) {
        NetworkNamespace server = NetworkNamespace.create("synlab-s");
        NetworkNamespace client = null;
        SynLab lab = null;
        try {
            client = NetworkNamespace.create("synlab-c");
            String veth = "syn" + Long.toHexString(ProcessHandle.current().pid() & 0xFFFFF);
            server.vethTo(client, veth, List.of("198.18.64.1/24", "2001:2:0:64::1/64"),
                List.of("198.18.64.2/24", "2001:2:0:64::2/64"), VETH_MTU);
            Process listener = new ProcessBuilder(server.inside("python3", script(), "listen",
                Integer.toString(LISTEN_PORT))).redirectErrorStream(true).start();
            lab = new SynLab(server, client, veth, listener);
            lab.readListener();
            for (Path database : databases) {
                lab.p0fs.put(database, NamespaceP0f.start(server, database));
            }
            return lab;
        } catch (IOException | RuntimeException e) {
            if (lab != null) {
                lab.close();
            } else {
                if (client != null) {
                    client.close();
                }
                server.close();
            }
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
    }

    private void readListener() throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(listener.getInputStream(),
            StandardCharsets.US_ASCII));
        String first = lines.readLine();
        if (!"listening".equals(first)) {
            throw new IllegalStateException("the saved-SYN listener did not start: " + first);
        }
        Thread reader = new Thread(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    savedSyns.add(line);
                }
            } catch (IOException e) {
                // the listener ended
            }
        }, "syn-lab-listener");
        reader.setDaemon(true);
        reader.start();
    }

    /** The p0f loaded with {@code database}. */
    public NamespaceP0f p0f(Path database) {
        return p0fs.get(database);
    }

    /** The source address of crafted SYN number {@code index} (each SYN its own host for p0f). */
    public static InetAddress craftedSource(int index, int ipVersion) {
        byte[] address;
        if (ipVersion == 4) {
            address = new byte[] {127, (byte) (16 + (index >>> 16)), (byte) (index >>> 8), (byte) index};
        } else {
            address = new byte[] {0x20, 0x01, 0, 0x02, 0, 0, 0, 0x65, 0, 0, 0, 0, 0, (byte) (index >>> 16),
                (byte) (index >>> 8), (byte) index};
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Sends the packets (IP header onward), in order, onto the server namespace's loopback, in
     * batches: after each, waits until every p0f knows the batch's last source, so that a loaded
     * machine cannot overrun p0f's capture buffer. {@code sources} are the packets' source addresses.
     */
    public void send(List<byte[]> packets, List<InetAddress> sources) {
        for (int from = 0; from < packets.size(); from += BATCH) {
            int to = Math.min(packets.size(), from + BATCH);
            StringBuilder hex = new StringBuilder();
            for (byte[] packet : packets.subList(from, to)) {
                hex.append(Hex.text(packet)).append('\n');
            }
            String output = Commands.check(server.inside("python3", script(), "send"), hex.toString(), COMMAND_TIMEOUT);
            if (!output.trim().equals("sent " + (to - from))) {
                throw new IllegalStateException("sending the crafted SYNs failed: " + output);
            }
            for (NamespaceP0f p0f : p0fs.values()) {
                p0f.awaitKnown(sources.get(to - 1), P0F_CATCH_UP);
            }
        }
    }

    /**
     * A real connection from the client namespace over the veth, from a source address of its own;
     * {@code sysctls} (e.g. {@code net.ipv4.tcp_timestamps=0}) hold for this connection only.
     */
    public KernelSyn connectOverVeth(int ipVersion, int mtu, List<String> sysctls, int receiveBuffer) {
        int index = 10 + connections++;
        String source = ipVersion == 4 ? "198.18.64." + index : "2001:2:0:64::" + Integer.toHexString(index);
        if (ipVersion == 4) {
            client.exec("ip", "address", "add", source + "/24", "dev", veth + "b");
        } else {
            client.exec("ip", "address", "add", source + "/64", "dev", veth + "b", "nodad");
        }
        setMtu(mtu);
        try {
            return connect(client, source, ipVersion == 4 ? "198.18.64.1" : "2001:2:0:64::1", sysctls, receiveBuffer);
        } finally {
            setMtu(VETH_MTU);
        }
    }

    /** A real connection inside the server namespace, over its loopback (127.0.0.N, or ::1). */
    public KernelSyn connectOverLoopback(int ipVersion, List<String> sysctls) {
        int index = 2 + connections++;
        String source = ipVersion == 4 ? "127.0.0." + index : "::1";
        return connect(server, source, ipVersion == 4 ? "127.0.0.1" : "::1", sysctls, 0);
    }

    private void setMtu(int mtu) {
        server.exec("ip", "link", "set", veth + "a", "mtu", Integer.toString(mtu));
        client.exec("ip", "link", "set", veth + "b", "mtu", Integer.toString(mtu));
    }

    private KernelSyn connect(NetworkNamespace from, String source, String destination, List<String> sysctls,
                              int receiveBuffer) {
        List<String> command = new ArrayList<>(from.inside("python3", script(), "connect", source, destination,
            Integer.toString(LISTEN_PORT), "--rcvbuf", Integer.toString(receiveBuffer)));
        for (String sysctl : sysctls) {
            command.add("--sysctl");
            command.add(sysctl);
        }
        String output = Commands.check(command, "", COMMAND_TIMEOUT);
        if (!output.trim().equals("connected")) {
            throw new IllegalStateException("connecting from " + source + " failed: " + output);
        }
        try {
            String line = savedSyns.poll(5, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("the listener saved no SYN for the connection from " + source);
            }
            String[] peerAndSyn = line.split(" ");
            InetAddress peer = InetAddress.getByName(peerAndSyn[0]);
            if (!peer.equals(InetAddress.getByName(source))) {
                throw new IllegalStateException("expected a connection from " + source + ", got " + line);
            }
            return new KernelSyn(peer, Hex.bytes(peerAndSyn[1]));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client's SYN as the server's kernel saved it, and the client's address. */
    public static final class KernelSyn {
        private final InetAddress source;
        private final byte[] packet;

        KernelSyn(InetAddress source, byte[] packet) {
            this.source = source;
            this.packet = packet;
        }

        public InetAddress source() {
            return source;
        }

        public byte[] packet() {
            return packet.clone();
        }
    }

    /** Stops every p0f and the listener, by PID, and deletes both namespaces. */
    @Override
    public void close() {
        p0fs.values().forEach(NamespaceP0f::close);
        try {
            listener.getOutputStream().close();
            if (!listener.waitFor(3, TimeUnit.SECONDS)) {
                listener.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            listener.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
            server.close();
        }
    }

    private static String script() {
        try {
            return Paths.get(SynLab.class.getResource("syn_lab.py").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
