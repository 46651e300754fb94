package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.protocol.Ipv4Mapped;
import io.github.jamesp0f.client.protocol.P0fProtocolException;
import io.github.jamesp0f.client.protocol.V2Codec;

/**
 * The p0f 2 client ({@code p0f -Q}): one short connection per query (connect, send, read; p0f 2
 * then closes), asked one at a time on the client's own thread, since p0f 2 serves one client at
 * a time anyway. The query names the whole connection; the local address is replaced by the
 * configured override for servers behind NAT. IPv4 only.
 */
final class V2P0fClient implements P0fClient {

    /** Lookups waiting for the worker at most; beyond, OVERLOADED. */
    static final int MAX_QUEUED = 64;
    /** p0f 2 drops a silent client after 2 s; wait that long past the deadline before hanging up. */
    private static final int LATE_ANSWER_GRACE_MILLIS = 2500;

    private final ClientCore core;
    /** p0f 2 has a unix socket only; the configuration refuses a TCP address for it. */
    private final Path socketPath;
    private final ThreadPoolExecutor worker;
    private final Set<PendingLookup> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();

    V2P0fClient(P0fClientConfig config, P0fClientListener listener) {
        this(config, listener, Ticker.SYSTEM);
    }

    /** For tests: a hand-moved clock for the cache and back-off. */
    V2P0fClient(P0fClientConfig config, P0fClientListener listener, Ticker ticker) {
        NativeWarmUp.once();
        this.core = new ClientCore(config, listener, ticker, "p0f-v2-timer");
        this.socketPath = config.endpoint().socketPath().orElseThrow(
            () -> new IllegalArgumentException("p0f 2 is asked on its unix socket only, not at " + config.endpoint()));
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
            ClientCore.daemonThreads("p0f-v2"));
    }

    @Override
    public CompletableFuture<P0fLookup> lookup(InetAddress remote) {
        return core.completed(P0fLookup.failed(FailureWords.unsupported(
            "p0f v2 looks up whole connections: give the remote and local address and port")), core.now());
    }

    @Override
    public CompletableFuture<P0fLookup> lookup(InetSocketAddress remote, InetSocketAddress local) {
        long start = core.now();
        try {
            String unsupported = unsupported(remote, local);
            if (unsupported != null) {
                return core.completed(P0fLookup.failed(FailureWords.unsupported(unsupported)), start);
            }
            InetAddress remoteAddress = Ipv4Mapped.unmapped(remote.getAddress());
            CompletableFuture<P0fLookup> known = core.answerAtOnce(remoteAddress, start);
            if (known != null) {
                return known;
            }
            InetAddress localAddress = core.config().localAddress().orElse(local.getAddress());
            V2Query query = new V2Query(remoteAddress, remote.getPort(), localAddress, local.getPort());
            PendingLookup p = core.newLookup(remoteAddress);
            ask(p, query);
            return p.future;
        } catch (RuntimeException e) {
            return core.completed(P0fLookup.failed(FailureWords.internalError(e)), start);
        }
    }

    @Override
    public P0fClientStatus status() {
        return core.status(0, waiting.size());
    }

    @Override
    public void close() {
        if (core.isClosed()) {
            return;
        }
        core.close();
        worker.shutdown();
        for (PendingLookup p : waiting) {
            core.fail(p, FailureWords.CLOSED);
        }
        try {
            // The query being asked, if any, gets its answer read before its socket closes.
            worker.awaitTermination(core.config().timeout().toMillis() + LATE_ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String unsupported(InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null || remote.getAddress() == null || remote.getPort() == 0) {
            return "p0f v2 needs the remote address and port, not " + remote;
        }
        if (Ipv4Mapped.ipv4Bytes(remote.getAddress()) == null) {
            return "p0f v2 knows IPv4 only, not " + remote.getAddress().getHostAddress();
        }
        InetAddress localAddress = core.config().localAddress()
            .orElse(local == null ? null : local.getAddress());
        if (local == null || local.getPort() == 0 || localAddress == null) {
            return "p0f v2 needs the local address and port, not " + local;
        }
        if (Ipv4Mapped.ipv4Bytes(localAddress) == null) {
            return "p0f v2 knows IPv4 only, not the local address " + localAddress.getHostAddress()
                + " (set an IPv4 local address override)";
        }
        return null;
    }

    private void ask(PendingLookup p, V2Query query) {
        waiting.add(p);
        p.future.whenComplete((r, e) -> waiting.remove(p));
        if (!core.schedule(() -> timedOut(p), p.deadlineNanos - core.now())) {
            core.fail(p, FailureWords.CLOSED);
            return;
        }
        try {
            worker.execute(() -> askNow(p, query));
        } catch (RejectedExecutionException e) {
            core.fail(p, core.isClosed() ? FailureWords.CLOSED
                : FailureWords.overloaded(core.endpoint(), MAX_QUEUED, "for the worker"));
        }
    }

    private void timedOut(PendingLookup p) {
        if (!p.isDone()) {
            core.timedOut(List.of(p));
        }
    }

    /** On the worker thread: one connection, one query, one answer. */
    private void askNow(PendingLookup p, V2Query query) {
        if (p.isDone() || core.failFast() != null) {
            // Timed out while queued, or p0f failed meanwhile: don't knock on its door.
            P0fFailure why = core.failFast();
            if (why != null) {
                core.fail(p, why);
            }
            return;
        }
        int id = ids.incrementAndGet();
        byte[] answer = new byte[V2Codec.RESPONSE_SIZE];
        int length;
        try (AFUNIXSocket socket = AFUNIXSocket.newInstance()) {
            try {
                socket.connect(AFUNIXSocketAddress.of(socketPath));
            } catch (IOException e) {
                core.failAndBackOff(p, FailureWords.connectFailed(core.endpoint(), e));
                return;
            }
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(p.deadlineNanos - core.now());
            socket.setSoTimeout((int) Math.max(1, leftMillis) + LATE_ANSWER_GRACE_MILLIS);
            socket.getOutputStream().write(V2Codec.encodeQuery(id, query.remote, query.remotePort, query.local, query.localPort));
            length = readFully(socket.getInputStream(), answer);
        } catch (SocketTimeoutException e) {
            core.failAndBackOff(p, FailureWords.timeout(core.endpoint(), core.config().timeout()));
            return;
        } catch (IOException | RuntimeException e) {
            core.failAndBackOff(p, FailureWords.broke(core.endpoint(), e));
            return;
        }
        try {
            P0fLookup result = V2Codec.decode(answer, length, id).toLookup();
            core.answered(p, result, retry -> ask(retry, query));
        } catch (P0fProtocolException e) {
            core.failAndBackOff(p, FailureWords.notP0f(core.endpoint(), e.getMessage()));
        }
    }

    /** Reads until the buffer is full or p0f closes; returns how much came. */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static final class V2Query {
        final InetAddress remote;
        final int remotePort;
        final InetAddress local;
        final int localPort;

        V2Query(InetAddress remote, int remotePort, InetAddress local, int localPort) {
            this.remote = remote;
            this.remotePort = remotePort;
            this.local = local;
            this.localPort = localPort;
        }
    }
}
