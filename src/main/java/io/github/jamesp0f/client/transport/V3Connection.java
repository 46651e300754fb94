package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.protocol.P0fProtocolException;
import io.github.jamesp0f.client.protocol.V3Codec;

/**
 * One persistent connection to p0f's v3 API and its own thread, which connects, then blocks in
 * read() and pairs each answer with the oldest query still owed one: one system call per wake-up.
 * Callers hand their lookups to the connection's {@link QueryPipeline}, which writes them on the
 * same channel (a read and a write may run at once on it); what callers and this thread share
 * lives there, and everything here is this thread's alone. Others never wake this thread, except
 * to end it when nothing is owed ({@link QueryPipeline#endIfDone}); it looks at the clock and at
 * write errors when an answer comes, or every {@link #TICK_MILLIS} without one.
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
    /**
     * The socket's timeout (SO_TIMEOUT: reads and writes): how late a drain on close notices its
     * deadline or a write error is noticed without an answer, and how long a write could block.
     */
    static final int TICK_MILLIS = 1000;
    /** A p0f answers in microseconds: this long without a byte means nothing more is coming. */
    private static final int DISCARD_QUIET_MILLIS = 200;

    private final Path socketPath;
    private final Owner owner;
    private final QueryPipeline pipeline;
    private final ConnectionThread thread;
    /** Answer bytes read, in write mode. */
    private final ByteBuffer in = ByteBuffer.allocate(READ_BATCH * V3Codec.RESPONSE_SIZE)
        .order(ByteOrder.nativeOrder());
    /** Lookups paired with the answers of one read. */
    private final PendingLookup[] answeredBatch = new PendingLookup[READ_BATCH];
    private AFUNIXSocketChannel channel;
    /**
     * The channel's reads, through its socket's stream: there a read timeout is a
     * SocketTimeoutException (junixsocket's channel reports it as the end of the stream).
     */
    private InputStream input;
    /** An answer made no sense: what p0f still owes is read and dropped before closing. */
    private boolean outOfStep;

    V3Connection(Path socketPath, Owner owner, int maxInFlight, String name) {
        this.socketPath = socketPath;
        this.owner = owner;
        this.pipeline = new QueryPipeline(maxInFlight, owner);
        this.thread = new ConnectionThread(this::run, name);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code p}'s query and sees it written; never waits on other callers (nor, see QueryWriter, on the socket). */
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
    }

    /**
     * For the client's close(): no new lookups, nothing more written; the lookups still waiting
     * are returned (to be failed CLOSED) and answers owed are read for at most {@code drainNanos}.
     */
    List<PendingLookup> close(long drainNanos) {
        return pipeline.close(System.nanoTime() + drainNanos);
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
            if (!pipeline.endIfDone(System.nanoTime())) {
                lost(FailureWords.broke(socketPath, e), new ArrayList<>());
            }
        } finally {
            thread.writeDeferred();
            pipeline.closeChannel();
            owner.closed(this);
        }
    }

    private boolean connect() throws IOException {
        AFUNIXSocketChannel ch = AFUNIXSocketChannel.open();
        if (!pipeline.attach(ch)) {
            ch.close();
            return false;
        }
        try {
            // A unix-socket connect() returns at once unless p0f's listen backlog is full;
            // this thread, not the caller's, is the one that waits then.
            ch.connect(AFUNIXSocketAddress.of(socketPath));
        } catch (IOException e) {
            if (!pipeline.isClosing()) {
                lost(FailureWords.connectFailed(socketPath, e), new ArrayList<>());
            }
            return false;
        }
        ch.socket().setSoTimeout(TICK_MILLIS);
        channel = ch;
        input = ch.socket().getInputStream();
        pipeline.connected();
        return true;
    }

    private void loop() throws IOException {
        while (true) {
            int n;
            try {
                n = read();
            } catch (SocketTimeoutException tick) {
                n = 0;
            }
            if (n < 0) {
                if (!pipeline.endIfDone(System.nanoTime())) {
                    lost(FailureWords.hungUp(socketPath), new ArrayList<>());
                }
                return;
            }
            if (n > 0 && !handOutAnswers()) {
                if (outOfStep) {
                    discardOwed();
                }
                return;
            }
            IOException failedWrite = pipeline.writeError();
            if (failedWrite != null) {
                lost(FailureWords.broke(socketPath, failedWrite), new ArrayList<>());
                return;
            }
            thread.writeDeferred();
            pipeline.writeLeftover();
            if (pipeline.endIfDone(System.nanoTime())) {
                return;
            }
        }
    }

    private int read() throws IOException {
        int n = input.read(in.array(), in.arrayOffset() + in.position(), in.remaining());
        if (n > 0) {
            in.position(in.position() + n);
        }
        return n;
    }

    /** Hands each whole answer read on; false when the connection is over. */
    private boolean handOutAnswers() {
        in.flip();
        try {
            int answers = in.remaining() / V3Codec.RESPONSE_SIZE;
            if (answers > 0 && !pipeline.pairAnswers(answers, answeredBatch)) {
                lost(FailureWords.notP0f(socketPath, "an answer to no query"), new ArrayList<>());
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
                    lost(FailureWords.notP0f(socketPath, e.getMessage()), rest);
                    outOfStep = true;
                    return false;
                }
            }
            return true;
        } finally {
            in.compact();
        }
    }

    /**
     * After an answer that made no sense, the stream is out of step, but if the peer is a p0f it
     * still owes answers: read and drop as many bytes as it owes, until it falls quiet, so that
     * closing does not kill it with SIGPIPE.
     */
    private void discardOwed() throws IOException {
        long owedBytes = pipeline.answersOwed() * V3Codec.RESPONSE_SIZE - in.position();
        channel.socket().setSoTimeout(DISCARD_QUIET_MILLIS);
        try {
            while (owedBytes > 0) {
                in.clear();
                int n = read();
                if (n < 0) {
                    return;
                }
                owedBytes -= n;
            }
        } catch (SocketTimeoutException quiet) {
            // Nothing more is coming.
        }
    }

    private void lost(P0fFailure failure, List<PendingLookup> unanswered) {
        pipeline.lose(failure, unanswered);
        if (!pipeline.isClosing()) {
            owner.lost(this, unanswered, failure);
        }
    }

    @Override
    public String toString() {
        return thread.getName() + " to " + socketPath;
    }
}
