package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.SocketTimeoutException;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.protocol.P0fProtocolException;
import io.github.jamesp0f.client.protocol.V3Codec;

/**
 * One persistent connection to p0f's v3 API (a unix socket, or TCP: see {@link Dialer}) and its
 * own thread, which connects, then reads
 * answers and pairs each with the oldest query still owed one. Callers hand their lookups to the
 * connection's {@link QueryPipeline}, which writes them; what callers and this thread share lives
 * there, and everything here is this thread's alone (the selector is only woken by others).
 *
 * <p>It waits in poll(), not in a blocking read(): a thread blocked in read() on a unix stream
 * socket is also woken each time p0f takes one of our queries off the socket (the kernel's
 * "room to write" wake-up), which doubles the wake-ups per lookup; poll() for input filters it.
 *
 * <p>The channel is closed only when no answer is owed (p0f dies of SIGPIPE when it writes to a
 * closed client), when p0f hung up, or when the client closes and the bounded drain ran out.
 */
final class V3Connection {

    /** What the owning client hears from a connection's thread. */
    interface Owner extends QueryPipeline.Refusals {
        /** An answer for {@code p} (which may be done already). */
        void answered(PendingLookup p, P0fLookup result);

        /** The connection cannot serve any more: fail what it held with {@code failure}. */
        void lost(V3Connection connection, List<PendingLookup> unanswered, P0fFailure failure);

        /** The connection's channel is closed and its thread about to end. */
        void closed(V3Connection connection);
    }

    private static final int READ_BATCH = 64;
    /** A p0f answers in microseconds: this long without a byte means nothing more is coming. */
    private static final long DISCARD_QUIET_MILLIS = 200;

    private final P0fEndpoint endpoint;
    private final Dialer dialer;
    private final Owner owner;
    private final QueryPipeline pipeline;
    private final ConnectionThread thread;
    /** Answer bytes read, in write mode. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BATCH * V3Codec.RESPONSE_SIZE)
        .order(ByteOrder.nativeOrder());
    /** Lookups paired with the answers of one read. */
    private final PendingLookup[] answeredBatch = new PendingLookup[READ_BATCH];
    private SocketChannel channel;
    /** An answer made no sense: what p0f still owes is read and dropped before closing. */
    private boolean outOfStep;
    /** Set once connected; volatile only so that other threads can wake it. */
    private volatile Selector selector;

    V3Connection(P0fEndpoint endpoint, Dialer dialer, Owner owner, int maxInFlight, String name) {
        this.endpoint = endpoint;
        this.dialer = dialer;
        this.owner = owner;
        this.pipeline = new QueryPipeline(maxInFlight, owner, this::wakeUp);
        this.thread = new ConnectionThread(this::run, name);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code p}'s query and sees it written; never blocks on the socket or on other callers. */
    QueryPipeline.Submitted submit(PendingLookup p) {
        return pipeline.submit(p);
    }

    /** Lookups owed an answer, timed-out and cancelled ones included. */
    int inFlight() {
        return pipeline.inFlight();
    }

    boolean isConnected() {
        return pipeline.isConnected();
    }

    /** See {@link QueryPipeline#expire}. */
    long expire(long nowNanos, List<PendingLookup> expired) {
        return pipeline.expire(nowNanos, expired);
    }

    /** No new lookups; the connection closes itself once every answer owed has been read. */
    void retire() {
        pipeline.retire();
        wakeUp();
    }

    /**
     * For the client's close(): no new lookups, nothing more written; the lookups still waiting
     * are returned (to be failed CLOSED) and answers owed are read for at most {@code drainNanos}.
     */
    List<PendingLookup> close(long drainNanos) {
        List<PendingLookup> waiting = pipeline.close(System.nanoTime() + drainNanos);
        wakeUp();
        return waiting;
    }

    void awaitClosed(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
    }

    private void run() {
        try {
            if (connect()) {
                loop();
            }
        } catch (IOException | RuntimeException e) {
            lost(FailureWords.broke(endpoint, e), new ArrayList<>());
        } finally {
            thread.writeDeferred();
            pipeline.closeChannel();
            Selector s = selector;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // nothing left to release
                }
            }
            owner.closed(this);
        }
    }

    private boolean connect() throws IOException {
        SocketChannel ch = dialer.open();
        if (!pipeline.attach(ch)) {
            ch.close();
            return false;
        }
        Selector s = ch.provider().openSelector();
        // Set before connecting, so that close() and retire() can wake a TCP connect's wait.
        selector = s;
        try {
            if (!dialer.connect(ch, s, pipeline::isClosing)) {
                return false;
            }
        } catch (SocketTimeoutException e) {
            if (!pipeline.isClosing()) {
                lost(FailureWords.connectTimedOut(endpoint, dialer.timeout()), new ArrayList<>());
            }
            return false;
        } catch (IOException e) {
            if (!pipeline.isClosing()) {
                lost(FailureWords.connectFailed(endpoint, e), new ArrayList<>());
            }
            return false;
        }
        channel = ch;
        pipeline.connected();
        return true;
    }

    private void loop() throws IOException {
        SelectionKey key = channel.keyFor(selector);
        while (true) {
            long waitMillis = pipeline.waitMillis(System.nanoTime());
            if (waitMillis < 0) {
                return;
            }
            if (waitMillis == 0) {
                // Not select(0): junixsocket's selector polls with a zero timeout then, and spins.
                selector.select();
            } else {
                selector.select(waitMillis);
            }
            selector.selectedKeys().clear();
            IOException failedWrite = pipeline.writeError();
            if (failedWrite != null) {
                lost(FailureWords.broke(endpoint, failedWrite), new ArrayList<>());
                return;
            }
            pipeline.flushIfWanted(key);
            if (!readAnswers()) {
                if (outOfStep) {
                    thread.writeDeferred();
                    discardOwed();
                }
                return;
            }
        }
    }

    /** Reads what p0f sent and hands each whole answer on; false when the connection is over. */
    private boolean readAnswers() throws IOException {
        while (true) {
            int room = in.remaining();
            int n = channel.read(in);
            if (n < 0) {
                lost(FailureWords.hungUp(endpoint), new ArrayList<>());
                return false;
            }
            if (n == 0) {
                return true;
            }
            in.flip();
            try {
                int answers = in.remaining() / V3Codec.RESPONSE_SIZE;
                if (answers > 0 && !pipeline.pairAnswers(answers, answeredBatch)) {
                    lost(FailureWords.notP0f(endpoint, "an answer to no query"), new ArrayList<>());
                    return false;
                }
                for (int i = 0; i < answers; i++) {
                    PendingLookup p = answeredBatch[i];
                    answeredBatch[i] = null;
                    try {
                        owner.answered(p, V3Codec.decode(in));
                    } catch (P0fProtocolException e) {
                        // Out of step for good: whatever follows cannot be paired with a query.
                        List<PendingLookup> rest = new ArrayList<>();
                        rest.add(p);
                        for (int j = i + 1; j < answers; j++) {
                            rest.add(answeredBatch[j]);
                            answeredBatch[j] = null;
                        }
                        lost(FailureWords.notP0f(endpoint, e.getMessage()), rest);
                        outOfStep = true;
                        return false;
                    }
                }
            } finally {
                in.compact();
            }
            // One write per connection for the lookups that these answers' dependent actions asked.
            thread.writeDeferred();
            if (n < room) {
                // The socket had no more; reading again would only cost a system call to learn so.
                return true;
            }
        }
    }

    /**
     * After an answer that made no sense, the stream is out of step, but if the peer is a p0f it
     * still owes answers: read and drop as many bytes as it owes, until it falls quiet, so that
     * closing does not kill it with SIGPIPE.
     */
    private void discardOwed() throws IOException {
        long owedBytes = pipeline.answersOwed() * V3Codec.RESPONSE_SIZE - in.position();
        in.clear();
        while (owedBytes > 0 && selector.select(DISCARD_QUIET_MILLIS) > 0) {
            selector.selectedKeys().clear();
            int n = channel.read(in);
            if (n < 0) {
                return;
            }
            owedBytes -= n;
            in.clear();
        }
    }

    private void lost(P0fFailure failure, List<PendingLookup> unanswered) {
        pipeline.lose(failure, unanswered);
        if (!pipeline.isClosing()) {
            owner.lost(this, unanswered, failure);
        }
    }

    private void wakeUp() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public String toString() {
        return thread.getName() + " to " + endpoint;
    }
}
