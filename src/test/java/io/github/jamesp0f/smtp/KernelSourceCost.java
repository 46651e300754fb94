package io.github.jamesp0f.smtp;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.james.metrics.tests.RecordingMetricFactory;

import com.sun.management.ThreadMXBean;

import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.Median;
import io.github.jamesp0f.syn.P0fDatabase;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;

/**
 * bench/kernel-source-cost: what the kernel source adds to one connection, without SMTP around it.
 *
 * <p>Two Netty epoll servers on loopback, each on an event loop thread of its own: one plain, one
 * whose listening socket keeps SYNs and whose {@code channelActive} does what the handler does at
 * connect ({@link KernelSource#keepsSyns} and {@link KernelSource#lookUp}: read the saved SYN, match
 * it against the shipped database). One client connects and closes, to each server in turn, round
 * after round, one connection at a time. Per connection: the event loop thread's CPU (accept, the work, close), the whole
 * process's CPU (with the client and the kernel's share that the process is charged), and the
 * lookup's own time and allocation. Medians of the rounds; the difference between the two servers
 * is the kernel source's cost, the figure smtp-load cannot resolve (its two identical servers differ
 * by more). Arguments: rounds (15), connections per round and server (4000).
 */
public final class KernelSourceCost {

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private KernelSourceCost() {
    }

    public static void main(String[] args) throws Exception {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("needs Netty's epoll transport: " + Epoll.unavailabilityCause());
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        P0fDatabase database = P0fDatabase.load(Path.of("contrib/p0f/p0f.fp"));
        KernelSource source = new KernelSource(database, new P0fMetrics(new RecordingMetricFactory()), "nothing",
            "nothing");
        try (Server plain = new Server(null); Server kernel = new Server(source)) {
            kernel.keepSyns();
            for (int warmUp = 0; warmUp < 3; warmUp++) {
                plain.round(connections);
                kernel.round(connections);
            }
            List<double[]> plainRounds = new ArrayList<>();
            List<double[]> kernelRounds = new ArrayList<>();
            System.out.println("round   event loop CPU/conn. (plain, kernel)   process CPU/conn. (plain, kernel)"
                + "   lookup median   allocated/lookup");
            for (int round = 1; round <= rounds; round++) {
                double[] p = plain.round(connections);
                double[] k = kernel.round(connections);
                plainRounds.add(p);
                kernelRounds.add(k);
                System.out.printf(Locale.ROOT, "%5d   %8.2f us %8.2f us              %8.2f us %8.2f us      %8.2f us"
                    + "      %6.0f B%n", round, p[0], k[0], p[1], k[1], k[2], k[3]);
            }
            System.out.printf(Locale.ROOT, "%nmedians of %d rounds of %d connections per server (%s):%n", rounds,
                connections, database);
            System.out.printf(Locale.ROOT, "  event loop thread CPU per connection: plain %.2f us, kernel source %.2f us,"
                + " difference %+.2f us (median of the rounds' differences)%n", median(plainRounds, 0),
                median(kernelRounds, 0), medianDifference(kernelRounds, plainRounds, 0));
            System.out.printf(Locale.ROOT, "  process CPU per connection: plain %.2f us, kernel source %.2f us,"
                + " difference %+.2f us%n", median(plainRounds, 1), median(kernelRounds, 1),
                medianDifference(kernelRounds, plainRounds, 1));
            System.out.printf(Locale.ROOT, "  keepsSyns + lookUp: median %.2f us per connection, %.0f bytes allocated%n",
                median(kernelRounds, 2), median(kernelRounds, 3));
        }
    }

    private static double median(List<double[]> rounds, int column) {
        return Median.of(rounds.stream().mapToDouble(round -> round[column]));
    }

    private static double medianDifference(List<double[]> a, List<double[]> b, int column) {
        double[] differences = new double[a.size()];
        for (int i = 0; i < differences.length; i++) {
            differences[i] = a.get(i)[column] - b.get(i)[column];
        }
        return Median.of(Arrays.stream(differences));
    }

    /** One epoll server on a thread of its own; with a source, each connection is looked up as the handler does. */
    private static final class Server implements AutoCloseable {
        private final KernelSource source;
        private final EventLoopGroup group = new EpollEventLoopGroup(1);
        private final Channel listening;
        private final long loopThread;
        private long[] lookupNanos;
        private long lookupBytes;
        private int accepted;
        private CompletableFuture<Void> done;

        Server(KernelSource source) throws Exception {
            this.source = source;
            this.loopThread = group.submit(() -> Thread.currentThread().getId()).get();
            this.listening = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new Accepted())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        /** One instance for every connection of this server. */
        @ChannelHandler.Sharable
        private final class Accepted extends ChannelInboundHandlerAdapter {
            @Override
            public void channelActive(ChannelHandlerContext context) {
                try {
                    connected(context.channel());
                } catch (RuntimeException | Error e) {
                    context.channel().close();
                    done.completeExceptionally(e);
                }
            }
        }

        void keepSyns() {
            source.keepSyns(listening, true);
        }

        private void connected(Channel connection) {
            if (source != null) {
                long bytes = THREADS.getThreadAllocatedBytes(loopThread);
                long start = System.nanoTime();
                if (source.keepsSyns(connection) && source.lookUp(connection).isEmpty()) {
                    throw new IllegalStateException("no saved SYN for " + connection);
                }
                lookupNanos[accepted] = System.nanoTime() - start;
                lookupBytes += THREADS.getThreadAllocatedBytes(loopThread) - bytes;
            }
            connection.close();
            if (++accepted == lookupNanos.length) {
                done.complete(null);
            }
        }

        /** Event loop CPU, process CPU, lookup median (us per connection) and bytes per lookup. */
        double[] round(int connections) throws Exception {
            group.submit(() -> {
                lookupNanos = new long[connections];
                lookupBytes = 0;
                accepted = 0;
                done = new CompletableFuture<>();
            }).get();
            CompletableFuture<Void> finished = group.submit(() -> done).get();
            long loopCpu = THREADS.getThreadCpuTime(loopThread);
            long processCpu = PROCESS.getProcessCpuTime();
            SocketAddress address = listening.localAddress();
            for (int i = 0; i < connections; i++) {
                try (Socket client = new Socket()) {
                    client.connect(address, 5000);
                    // The server closes first, once it has looked the connection up: one at a time,
                    // and TIME_WAIT stays on the server's side, not on the client's ports.
                    client.getInputStream().read();
                }
            }
            finished.get(60, TimeUnit.SECONDS);
            double loop = (THREADS.getThreadCpuTime(loopThread) - loopCpu) / 1000.0 / connections;
            double process = (PROCESS.getProcessCpuTime() - processCpu) / 1000.0 / connections;
            long[] sorted = group.submit(() -> lookupNanos.clone()).get();
            Arrays.sort(sorted);
            return new double[] {loop, process, sorted[sorted.length / 2] / 1000.0,
                (double) group.submit(() -> lookupBytes).get() / connections};
        }

        @Override
        public void close() throws Exception {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
