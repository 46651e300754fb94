package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.protocol.P0fProtocolException;
import io.github.jamesp0f.client.protocol.V3Codec;

/**
 * One persistent connection to p0f's v3 API, with queries pipelined on it.
 *
 * <p>Callers write their 21-byte query themselves, without blocking (the channel is non-blocking;
 * the in-flight bound keeps the queries far below what the socket buffers hold). Callers never
 * wait on each other: each queues its lookup, and whichever caller finds nobody writing writes
 * every query queued so far in one go. The connection's own thread connects, then reads answers
 * and pairs each with the oldest query still owed one. A query keeps its place after its lookup timed out or was cancelled, so that
 * its late answer is read and dropped.
 *
 * <p>The channel is closed only when no answer is owed (p0f dies of SIGPIPE when it writes to a
 * closed client), when p0f hung up, or when the client closes and the bounded drain ran out.
 */
final class V3Connection {

    /** What became of a lookup handed to {@link #submit}. */
    enum Submitted { SENT, FULL, UNAVAILABLE }

    /** What the owning client hears from a connection's thread. */
    interface Owner {
        /** An answer for {@code p} (which may be done already). */
        void answered(PendingLookup p, P0fLookup result);

        /** The connection cannot serve any more: fail what it holds with {@code failure}. */
        void lost(V3Connection connection, List<PendingLookup> unanswered, P0fFailure failure);

        /** Lookups that came too late to be sent: the connection was closing or lost. */
        void unsent(List<PendingLookup> lookups, P0fFailure failure);

        /** The connection's channel is closed and its thread about to end. */
        void closed(V3Connection connection);
    }

    private static final int READ_BATCH = 64;
    /** A p0f answers in microseconds: this long without a byte means nothing more is coming. */
    private static final long DISCARD_QUIET_MILLIS = 200;

    private final Path socketPath;
    private final Owner owner;
    private final int maxInFlight;
    private final Thread thread;

    /** Lookups handed in by callers, not yet queued for writing. */
    private final ConcurrentLinkedQueue<PendingLookup> incoming = new ConcurrentLinkedQueue<>();
    /** True while one caller moves {@link #incoming} to the socket. */
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Lookups handed in and not yet answered (timed-out and cancelled ones included). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Lookups paired with the answers of one read; connection thread only. */
    private final PendingLookup[] answeredBatch = new PendingLookup[READ_BATCH];

    private final ReentrantLock lock = new ReentrantLock();
    /** Queries sent or about to be, oldest first, each waiting for its answer. Guarded by lock. */
    private final ArrayDeque<PendingLookup> owed;
    /** Query bytes not yet written, in read mode. Guarded by lock. */
    private final ByteBuffer out;
    /** Answer bytes read, in write mode. Connection thread only. */
    private final ByteBuffer in;

    private AFUNIXSocketChannel channel;
    private volatile Selector selector;
    private volatile boolean connected;
    /** Takes no new lookups; closes once nothing is owed. Written under lock. */
    private volatile boolean retired;
    /** Why lookups that come too late fail; set when closing or lost. Guarded by lock. */
    private P0fFailure refusal;
    /** The client closes: write nothing more, drain until drainDeadline. Guarded by lock. */
    private boolean closing;
    private long drainDeadlineNanos;
    private long bytesWritten;
    private long answersRead;
    private volatile boolean flushWanted;
    private volatile IOException writeError;
    /** An answer made no sense; connection thread only. */
    private boolean outOfStep;

    V3Connection(Path socketPath, Owner owner, int maxInFlight, String name) {
        this.socketPath = socketPath;
        this.owner = owner;
        this.maxInFlight = maxInFlight;
        this.owed = new ArrayDeque<>(maxInFlight);
        this.out = ByteBuffer.allocateDirect(maxInFlight * V3Codec.QUERY_SIZE).order(ByteOrder.nativeOrder());
        out.flip();
        this.in = ByteBuffer.allocateDirect(READ_BATCH * V3Codec.RESPONSE_SIZE).order(ByteOrder.nativeOrder());
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code p}'s query and sees it written; never blocks on the socket or on other callers. */
    Submitted submit(PendingLookup p) {
        if (retired) {
            return Submitted.UNAVAILABLE;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return Submitted.FULL;
        }
        incoming.offer(p);
        pump();
        return Submitted.SENT;
    }

    /**
     * Moves queued lookups into the owed queue and their queries onto the socket. One caller at a
     * time does it; a caller finding another at it leaves, and the one at it looks again before
     * leaving, so that nothing queued is left behind.
     */
    private void pump() {
        while (!incoming.isEmpty() && writing.compareAndSet(false, true)) {
            List<PendingLookup> refused = null;
            P0fFailure why = null;
            lock.lock();
            try {
                PendingLookup p;
                if (refusal != null) {
                    refused = new ArrayList<>();
                    why = refusal;
                    while ((p = incoming.poll()) != null) {
                        refused.add(p);
                    }
                } else {
                    out.compact();
                    while ((p = incoming.poll()) != null) {
                        V3Codec.encodeQuery(p.address, out);
                        owed.addLast(p);
                    }
                    out.flip();
                    if (connected) {
                        writeOut();
                    }
                }
            } finally {
                lock.unlock();
                writing.set(false);
            }
            if (refused != null) {
                owner.unsent(refused, why);
            }
        }
    }

    /** Lookups owed an answer, timed-out and cancelled ones included. */
    int inFlight() {
        return inFlight.get();
    }

    boolean isConnected() {
        return connected;
    }

    /**
     * Moves the lookups whose deadline passed into {@code expired} (they keep their place here);
     * returns the earliest deadline still to come, or {@code Long.MAX_VALUE}. Every lookup is
     * looked at: a NOMATCH retry may be due before lookups queued ahead of it.
     */
    long expire(long nowNanos, List<PendingLookup> expired) {
        lock.lock();
        try {
            long next = Long.MAX_VALUE;
            for (PendingLookup p : owed) {
                if (p.isDone()) {
                    continue;
                }
                if (p.deadlineNanos - nowNanos > 0) {
                    next = next == Long.MAX_VALUE || p.deadlineNanos - next < 0 ? p.deadlineNanos : next;
                } else {
                    expired.add(p);
                }
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** No new lookups; the connection closes itself once every answer owed has been read. */
    void retire() {
        lock.lock();
        try {
            retired = true;
        } finally {
            lock.unlock();
        }
        wakeUp();
    }

    /**
     * For the client's close(): no new lookups, nothing more written; the lookups still waiting
     * are returned (to be failed CLOSED) and answers owed are read for at most {@code drainNanos}.
     */
    List<PendingLookup> close(long drainNanos) {
        List<PendingLookup> waiting = new ArrayList<>();
        lock.lock();
        try {
            retired = true;
            closing = true;
            refusal = FailureWords.CLOSED;
            drainDeadlineNanos = System.nanoTime() + drainNanos;
            PendingLookup late;
            while ((late = incoming.poll()) != null) {
                waiting.add(late);
            }
            for (PendingLookup p : owed) {
                if (!p.isDone()) {
                    waiting.add(p);
                }
            }
            if (!connected) {
                // Still connecting: nothing was written, so nothing is owed. Closing the channel
                // also ends a connect() stuck on a full listen backlog.
                closeChannelQuietly();
            }
        } finally {
            lock.unlock();
        }
        wakeUp();
        return waiting;
    }

    void awaitClosed(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
    }

    // ----- the connection's own thread

    private void run() {
        try {
            if (connect()) {
                loop();
            }
        } catch (IOException | RuntimeException e) {
            lostConnection(FailureWords.broke(socketPath, e));
        } finally {
            closeChannelQuietly();
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
        AFUNIXSocketChannel ch = AFUNIXSocketChannel.open();
        lock.lock();
        try {
            channel = ch;
            if (closing) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        try {
            // A unix-socket connect() returns at once unless p0f's listen backlog is full;
            // this thread, not the caller's, is the one that waits then.
            ch.connect(AFUNIXSocketAddress.of(socketPath));
        } catch (IOException e) {
            if (isClosing()) {
                return false;
            }
            lostConnection(FailureWords.connectFailed(socketPath, e));
            return false;
        }
        ch.configureBlocking(false);
        Selector s = ch.provider().openSelector();
        selector = s;
        ch.register(s, SelectionKey.OP_READ);
        lock.lock();
        try {
            connected = true;
            if (!closing) {
                writeOut();
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void loop() throws IOException {
        SelectionKey key = channel.keyFor(selector);
        while (true) {
            long waitMillis = drainWaitMillis();
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
            IOException failedWrite = writeError;
            if (failedWrite != null) {
                lostConnection(FailureWords.broke(socketPath, failedWrite));
                return;
            }
            if (flushWanted) {
                flush(key);
            }
            if (!readAnswers()) {
                if (outOfStep) {
                    discardOwed();
                }
                return;
            }
        }
    }

    /**
     * After an answer that made no sense, the stream is out of step, but if the peer is a p0f
     * it still owes answers: read and drop as many bytes as it owes, until it falls quiet, so
     * that closing does not kill it with SIGPIPE.
     */
    private void discardOwed() throws IOException {
        long owedBytes;
        lock.lock();
        try {
            owedBytes = (bytesWritten / V3Codec.QUERY_SIZE - answersRead) * V3Codec.RESPONSE_SIZE;
        } finally {
            lock.unlock();
        }
        owedBytes -= in.position();
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

    /** How long to wait for more: 0 for as long as it takes, -1 when the connection should close now. */
    private long drainWaitMillis() {
        if (!retired) {
            // The common case, read without the lock the callers write under.
            return 0;
        }
        lock.lock();
        try {
            boolean nothingOwed = answersRead == bytesWritten / V3Codec.QUERY_SIZE;
            if (closing) {
                long left = drainDeadlineNanos - System.nanoTime();
                return nothingOwed || left <= 0 ? -1 : Math.max(1, left / 1_000_000);
            }
            if (retired && nothingOwed && !out.hasRemaining()) {
                return -1;
            }
            return 0;
        } finally {
            lock.unlock();
        }
    }

    private void flush(SelectionKey key) {
        lock.lock();
        try {
            flushWanted = false;
            if (!closing) {
                writeOut();
            }
            key.interestOps(out.hasRemaining() && !closing
                ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } finally {
            lock.unlock();
        }
    }

    /** Reads what p0f sent and hands each whole answer on; false when the connection is over. */
    private boolean readAnswers() throws IOException {
        while (true) {
            int room = in.remaining();
            int n = channel.read(in);
            if (n < 0) {
                lostConnection(FailureWords.hungUp(socketPath));
                return false;
            }
            if (n == 0) {
                return true;
            }
            in.flip();
            try {
                int answers = in.remaining() / V3Codec.RESPONSE_SIZE;
                if (answers > 0 && !pairAnswers(answers)) {
                    lostConnection(FailureWords.notP0f(socketPath, "an answer to no query"));
                    return false;
                }
                for (int i = 0; i < answers; i++) {
                    PendingLookup p = answeredBatch[i];
                    answeredBatch[i] = null;
                    P0fLookup result;
                    try {
                        result = V3Codec.decode(in);
                    } catch (P0fProtocolException e) {
                        // Out of step for good: whatever follows cannot be paired with a query.
                        List<PendingLookup> rest = new ArrayList<>();
                        rest.add(p);
                        for (int j = i + 1; j < answers; j++) {
                            rest.add(answeredBatch[j]);
                            answeredBatch[j] = null;
                        }
                        lostConnection(FailureWords.notP0f(socketPath, e.getMessage()), rest);
                        outOfStep = true;
                        return false;
                    }
                    owner.answered(p, result);
                }
            } finally {
                in.compact();
            }
            if (n < room) {
                // The socket had no more; reading again would only cost a system call to learn so.
                return true;
            }
        }
    }

    /** Takes the {@code count} oldest owed lookups into {@link #answeredBatch}, in one go; false if fewer were asked. */
    private boolean pairAnswers(int count) {
        lock.lock();
        try {
            if (answersRead + count > bytesWritten / V3Codec.QUERY_SIZE) {
                return false;
            }
            answersRead += count;
            for (int i = 0; i < count; i++) {
                answeredBatch[i] = owed.pollFirst();
            }
        } finally {
            lock.unlock();
        }
        inFlight.addAndGet(-count);
        return true;
    }

    private void lostConnection(P0fFailure failure) {
        lostConnection(failure, new ArrayList<>());
    }

    private void lostConnection(P0fFailure failure, List<PendingLookup> unanswered) {
        lock.lock();
        try {
            retired = true;
            if (refusal == null) {
                refusal = failure;
            }
            unanswered.addAll(owed);
            owed.clear();
            PendingLookup late;
            while ((late = incoming.poll()) != null) {
                unanswered.add(late);
            }
        } finally {
            lock.unlock();
        }
        if (!isClosing()) {
            owner.lost(this, unanswered, failure);
        }
    }

    // ----- helpers, under lock unless said otherwise

    /** Writes queued query bytes without blocking; what the socket does not take waits for OP_WRITE. */
    private void writeOut() {
        if (!out.hasRemaining() || writeError != null) {
            return;
        }
        try {
            bytesWritten += channel.write(out);
        } catch (IOException e) {
            writeError = e;
            wakeUp();
            return;
        }
        if (out.hasRemaining()) {
            flushWanted = true;
            wakeUp();
        }
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    private void wakeUp() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    private void closeChannelQuietly() {
        AFUNIXSocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public String toString() {
        return thread.getName() + " to " + socketPath;
    }
}
