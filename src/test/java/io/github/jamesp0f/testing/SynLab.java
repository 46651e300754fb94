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
 * Real p0f daemons (one per database, {@link RealP0f} with {@code -o}) sniffing every interface of
 * the server namespace of a {@link VethPair}, where they see SYNs of two kinds:
 * <ul>
 * <li>crafted ones, sent as given onto the server namespace's loopback ({@link #send}) to
 * {@link #CRAFTED_PORT}, from {@link #craftedSource} addresses: 127.16.0.0/12, or 2001:2:0:65::/64
 * for IPv6 (no interface has it, so the kernel's resets to them go nowhere);</li>
 * <li>real ones from this machine's kernel, over the veth ({@link #connectOverVeth}: from
 * 198.18.64.10 and up, or 2001:2:0:64::a and up, to the server's .2) or over the server namespace's
 * loopback ({@link #connectOverLoopback}), each returning the SYN as the server's kernel saved it
 * (TCP_SAVED_SYN).</li>
 * </ul>
 * The addresses are the syn helper's (198.18.64.0/20, and 2001:2:0:64::/64 and 2001:2:0:65::/64 of
 * RFC 5180's range), inside the namespaces only; {@link #close()} removes everything. Needs root,
 * iproute2, python3 and p0f; {@code syn_lab.py} (a test resource) does the packet work inside.
 */
public final class SynLab implements AutoCloseable {

    /** Where crafted SYNs go (nobody listens: p0f records the host from the SYN alone). */
    public static final int CRAFTED_PORT = 2599;
    private static final int LISTEN_PORT = 2525;
    private static final int VETH_MTU = 1500;
    private static final int BATCH = 250;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration P0F_CATCH_UP = Duration.ofSeconds(20);

    private final VethPair veth;
    private final Map<Path, RealP0f> p0fs = new LinkedHashMap<>();
    private final BlockingQueue<String> savedSyns = new LinkedBlockingQueue<>();
    private Process listener;
    private int connections;

    private SynLab(VethPair veth) {
        this.veth = veth;
    }

    /** Builds the namespaces and starts one p0f per database and the saved-SYN listener. */
    public static SynLab start(List<Path> databases) {
        SynLab lab = new SynLab(VethPair.create("synlab", "198.18.64", "2001:2:0:64", VETH_MTU));
        try {
            lab.listen();
            for (Path database : databases) {
                lab.p0fs.put(database, RealP0f.builder().database(database).observations()
                    .inNamespace(lab.veth.serverNamespace(), "any").watchPort(LISTEN_PORT).craftedSynPort(CRAFTED_PORT)
                    .start());
            }
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
    }

    private void listen() throws IOException {
        listener = new ProcessBuilder(veth.server().inside("python3", script(), "listen", Integer.toString(LISTEN_PORT)))
            .redirectErrorStream(true).start();
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
    public RealP0f p0f(Path database) {
        return p0fs.get(database);
    }

    /** What p0f's API says of an address now. */
    public static RawP0fQuery.Answer ask(RealP0f p0f, InetAddress address) throws IOException {
        return RawP0fQuery.ask(p0f.socketPath(), address, Duration.ofSeconds(5));
    }

    /**
     * Waits until p0f's API knows the address (p0f reads its capture in batches, a few milliseconds
     * late); returns quietly after {@code timeout} if it never does, for the caller to find out.
     */
    public static void awaitKnown(RealP0f p0f, InetAddress address, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!ask(p0f, address).isOk() && System.nanoTime() < deadline && p0f.isAlive()) {
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("p0f's API did not answer about " + address, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for p0f", e);
        }
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
            String output = Commands.check(veth.server().inside("python3", script(), "send"), hex.toString(),
                COMMAND_TIMEOUT);
            if (!output.trim().equals("sent " + (to - from))) {
                throw new IllegalStateException("sending the crafted SYNs failed: " + output);
            }
            for (RealP0f p0f : p0fs.values()) {
                awaitKnown(p0f, sources.get(to - 1), P0F_CATCH_UP);
            }
        }
    }

    /**
     * A real connection from the client namespace over the veth, from a source address of its own;
     * {@code sysctls} (e.g. {@code net.ipv4.tcp_timestamps=0}) hold for this connection only.
     */
    public KernelSyn connectOverVeth(int ipVersion, int mtu, List<String> sysctls, int receiveBuffer) {
        InetAddress source = veth.addClientAddress(10 + connections++, ipVersion == 6);
        veth.setMtu(mtu);
        try {
            return connect(veth.client(), source, veth.serverAddress(ipVersion == 6), sysctls, receiveBuffer);
        } finally {
            veth.setMtu(VETH_MTU);
        }
    }

    /** A real connection inside the server namespace, over its loopback (from 127.0.0.N, or ::1). */
    public KernelSyn connectOverLoopback(int ipVersion, List<String> sysctls) {
        try {
            InetAddress source = InetAddress.getByName(ipVersion == 4 ? "127.0.0." + (2 + connections++) : "::1");
            return connect(veth.server(), source, InetAddress.getByName(ipVersion == 4 ? "127.0.0.1" : "::1"), sysctls,
                0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private KernelSyn connect(NetworkNamespace from, InetAddress source, InetAddress destination, List<String> sysctls,
                              int receiveBuffer) {
        List<String> command = new ArrayList<>(from.inside("python3", script(), "connect", source.getHostAddress(),
            destination.getHostAddress(), Integer.toString(LISTEN_PORT), "--rcvbuf", Integer.toString(receiveBuffer)));
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
            if (!InetAddress.getByName(peerAndSyn[0]).equals(source)) {
                throw new IllegalStateException("expected a connection from " + source + ", got " + line);
            }
            return new KernelSyn(source, Hex.bytes(peerAndSyn[1]));
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
        p0fs.values().forEach(RealP0f::close);
        try {
            if (listener != null) {
                listener.getOutputStream().close();
                if (!listener.waitFor(3, TimeUnit.SECONDS)) {
                    listener.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            listener.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            veth.close();
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
