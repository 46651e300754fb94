package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fFailure;

/**
 * The queries of one v3 connection: those waiting to be written and those owed an answer, oldest
 * first. This is where callers and the connection's thread meet, and the only place; its rules:
 * <ul>
 * <li>Callers never wait on each other. Each queues its lookup in {@code incoming}; whichever
 * caller wins {@code writing} moves everything queued into {@code owed} and hands its bytes to
 * the {@link QueryWriter}, then looks again before it leaves so that nothing queued is left
 * behind. A connection's thread (a dependent action asking again) only queues, and writes after
 * handing out its answers ({@link ConnectionThread}).</li>
 * <li>{@code inFlight} bounds what one connection holds: a caller counts itself in before
 * queuing (and out again if that passes {@code maxInFlight}); answers read count out.</li>
 * <li>{@code lock} guards everything else here, and is held only for non-blocking work. The
 * volatile fields are read without it as hints and acted on under it.</li>
 * <li>Reading ends ({@link #endIfDone}) only under {@code lock}, when nothing is owed (or the
 * drain on close ran out), and nothing is written after it: p0f dies of SIGPIPE when it answers
 * a socket no longer read.</li>
 * </ul>
 */
final class QueryPipeline {

    /** What became of a lookup handed to {@link #submit}. */
    enum Submitted { SENT, FULL, UNAVAILABLE }

    /**
     * Where lookups go that came too late to be sent: failed with {@code failure} (the connection
     * closes or was lost), or, when it is null, sent elsewhere (a retired connection ended).
     */
    interface Refusals {
        void unsent(List<PendingLookup> lookups, P0fFailure failure);
    }

    private final int maxInFlight;
    private final Refusals refusals;

    private final ConcurrentLinkedQueue<PendingLookup> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Lookups handed in and not yet answered, timed-out and cancelled ones included. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final OwedLookups owed;
    private final QueryWriter writer;
    private volatile boolean connected;
    /** Takes no new lookups; the connection closes once nothing is owed. */
    private volatile boolean retired;
    /** Why lookups that come too late fail; set when closing or lost. */
    private P0fFailure refusal;
    /** The client closes: write nothing more, read what is owed until drainDeadlineNanos. */
    private volatile boolean closing;
    private long drainDeadlineNanos;
    /** Nothing more is read, so nothing more may be written. */
    private boolean ended;

    QueryPipeline(int maxInFlight, Refusals refusals) {
        this.maxInFlight = maxInFlight;
        this.refusals = refusals;
        this.owed = new OwedLookups(maxInFlight);
        this.writer = new QueryWriter(maxInFlight);
    }

    // ----- callers

    Submitted submit(PendingLookup p) {
        if (retired) {
            return Submitted.UNAVAILABLE;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return Submitted.FULL;
        }
        incoming.offer(p);
        Thread caller = Thread.currentThread();
        if (caller instanceof ConnectionThread) {
            ((ConnectionThread) caller).deferWrite(this);
        } else {
            writeQueued();
        }
        return Submitted.SENT;
    }

    /** Moves what callers queued into {@code owed} and writes it (or refuses it, too late). */
    void writeQueued() {
        while (!incoming.isEmpty() && writing.compareAndSet(false, true)) {
            List<PendingLookup> refused = null;
            P0fFailure why;
            lock.lock();
            try {
                why = refusal;
                if (why != null || ended) {
                    refused = drainIncoming(new ArrayList<>());
                } else {
                    writer.startAppending();
                    PendingLookup next;
                    while ((next = incoming.poll()) != null) {
                        writer.append(next.address);
                        owed.add(next);
                    }
                    writer.endAppending();
                    if (connected) {
                        writer.write();
                    }
                }
            } finally {
                lock.unlock();
                writing.set(false);
            }
            if (refused != null) {
                refusals.unsent(refused, why);
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    boolean isConnected() {
        return connected;
    }

    /** See {@link OwedLookups#expire}. */
    long expire(long nowNanos, List<PendingLookup> expired) {
        lock.lock();
        try {
            return owed.expire(nowNanos, expired);
        } finally {
            lock.unlock();
        }
    }

    /** No new lookups; if nothing is owed, the connection's thread is woken to close. */
    void retire() {
        lock.lock();
        try {
            retired = true;
            wakeReaderIfDone();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The client closes: nothing more is taken or written, answers owed are read until
     * {@code drainDeadlineNanos}. Returns the lookups still waiting, to be failed CLOSED.
     */
    List<PendingLookup> close(long drainDeadlineNanos) {
        List<PendingLookup> waiting = new ArrayList<>();
        lock.lock();
        try {
            retired = true;
            closing = true;
            refusal = FailureWords.CLOSED;
            this.drainDeadlineNanos = drainDeadlineNanos;
            drainIncoming(waiting);
            owed.addWaiting(waiting);
            if (!connected) {
                // Still connecting: nothing was written, so nothing is owed.
                writer.closeChannel();
            } else {
                wakeReaderIfDone();
            }
        } finally {
            lock.unlock();
        }
        return waiting;
    }

    // ----- the connection's thread

    /** The channel that connect() is about to use; false if the client closed meanwhile. */
    boolean attach(AFUNIXSocketChannel ch) {
        lock.lock();
        try {
            writer.attach(ch);
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    /** Connected: write what callers queued meanwhile. */
    void connected() throws IOException {
        writer.sizeSendBuffer();
        lock.lock();
        try {
            connected = true;
            if (!closing) {
                writer.write();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isClosing() {
        return closing;
    }

    /**
     * True once nothing more is to be read: retired with nothing owed (nor left to write), or
     * closing with nothing owed or past the drain's deadline. Nothing is written after that.
     */
    boolean endIfDone(long nowNanos) {
        if (!retired) {
            // The common case, read without the lock the callers write under.
            return false;
        }
        lock.lock();
        try {
            return endIfDoneLocked(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Why writing failed, if it did; the connection is lost then. */
    IOException writeError() {
        return writer.writeError();
    }

    /** Writes what an earlier write left over, once answers read made room for it. */
    void writeLeftover() {
        if (!writer.hasLeftover()) {
            return;
        }
        lock.lock();
        try {
            if (refusal == null && !ended) {
                writer.write();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the {@code count} oldest owed lookups into {@code batch}; false if fewer were asked. */
    boolean pairAnswers(int count, PendingLookup[] batch) {
        lock.lock();
        try {
            if (!owed.pair(count, writer.queriesWritten(), batch)) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        inFlight.addAndGet(-count);
        return true;
    }

    /** Answers p0f still owes for what was written. */
    long answersOwed() {
        lock.lock();
        try {
            return owed.unanswered(writer.queriesWritten());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection can serve no more: every lookup it holds is moved into {@code unanswered},
     * and later ones are refused with {@code failure}.
     */
    void lose(P0fFailure failure, List<PendingLookup> unanswered) {
        lock.lock();
        try {
            retired = true;
            if (refusal == null) {
                refusal = failure;
            }
            owed.removeAll(unanswered);
            drainIncoming(unanswered);
        } finally {
            lock.unlock();
        }
    }

    /** The connection's thread ends (lost, or done); this also ends a stuck connect(). */
    void closeChannel() {
        writer.closeChannel();
    }

    // ----- under lock

    private boolean endIfDoneLocked(long nowNanos) {
        if (!ended && retired) {
            boolean nothingOwed = owed.unanswered(writer.queriesWritten()) == 0;
            ended = closing
                ? nothingOwed || nowNanos - drainDeadlineNanos >= 0
                : nothingOwed && !writer.hasUnwritten();
        }
        return ended;
    }

    /** On another thread: the connection's thread, blocked in read(), is woken if it is done. */
    private void wakeReaderIfDone() {
        if (connected && endIfDoneLocked(System.nanoTime())) {
            writer.stopReading();
        }
    }

    private List<PendingLookup> drainIncoming(List<PendingLookup> into) {
        PendingLookup late;
        while ((late = incoming.poll()) != null) {
            into.add(late);
        }
        return into;
    }
}
