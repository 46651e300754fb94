package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fFailure;

/**
 * The queries of one v3 connection: those waiting to be written and those owed an answer, oldest
 * first. This is where callers and the connection's thread meet, and the only place; its rules:
 * <ul>
 * <li>Callers never wait on each other or on the socket. Each queues its lookup in
 * {@code incoming}; whichever caller wins {@code writing} moves everything queued into
 * {@code owed} and hands its bytes to the {@link QueryWriter}, which writes without blocking,
 * then looks again before it leaves so that nothing queued is left behind. A connection's
 * thread (a dependent action asking again) only queues, and writes once it has handed out the
 * answers of its read ({@link ConnectionThread}).</li>
 * <li>{@code inFlight} bounds what one connection holds: a caller counts itself in before
 * queuing (and out again if that passes {@code maxInFlight}); answers read count out.</li>
 * <li>{@code lock} guards everything else here, and is held only for non-blocking work. The
 * volatile fields are read without it as hints and acted on under it.</li>
 * <li>The connection's thread decides to close ({@link #waitMillis} -1) under {@code lock}, and
 * nothing is written after that: a lookup queued too late goes to another connection.</li>
 * </ul>
 */
final class QueryPipeline {

    /** What became of a lookup handed to {@link #submit}. */
    enum Submitted { SENT, FULL, UNAVAILABLE }

    /**
     * Where lookups go that came too late to be sent: failed with {@code failure} (the connection
     * closes or was lost), or, when it is null, sent elsewhere (a retired connection has ended).
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
    /** The connection's thread is closing the channel: nothing more may be written. */
    private boolean ended;

    QueryPipeline(int maxInFlight, Refusals refusals, Runnable wakeUp) {
        this.maxInFlight = maxInFlight;
        this.refusals = refusals;
        this.owed = new OwedLookups(maxInFlight);
        this.writer = new QueryWriter(maxInFlight, wakeUp);
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

    void retire() {
        lock.lock();
        try {
            retired = true;
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
            }
        } finally {
            lock.unlock();
        }
        return waiting;
    }

    // ----- the connection's thread

    /** The channel that connect() is about to use; false if the client closed meanwhile. */
    boolean attach(SocketChannel ch) {
        lock.lock();
        try {
            writer.attach(ch);
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    /** Connected: write what callers queued meanwhile. */
    void connected() {
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

    /** How long to wait for more: 0 for as long as it takes, -1 when the connection should close now. */
    long waitMillis(long nowNanos) {
        if (!retired) {
            // The common case, read without the lock the callers write under.
            return 0;
        }
        lock.lock();
        try {
            boolean nothingOwed = owed.unanswered(writer.queriesWritten()) == 0;
            long wait;
            if (closing) {
                long left = drainDeadlineNanos - nowNanos;
                wait = nothingOwed || left <= 0 ? -1 : Math.max(1, left / 1_000_000);
            } else {
                wait = nothingOwed && !writer.hasUnwritten() ? -1 : 0;
            }
            ended = wait < 0;
            return wait;
        } finally {
            lock.unlock();
        }
    }

    /** Why writing failed, if it did; the connection is lost then. */
    IOException writeError() {
        return writer.writeError();
    }

    /** Writes what a caller's write left over, and asks for OP_WRITE while something still is. */
    void flushIfWanted(SelectionKey key) {
        if (!writer.flushWanted()) {
            return;
        }
        lock.lock();
        try {
            writer.flush(key, closing);
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

    /** Closing the channel also ends a connect() stuck on a full listen backlog. */
    void closeChannel() {
        writer.closeChannel();
    }

    // ----- under lock

    private List<PendingLookup> drainIncoming(List<PendingLookup> into) {
        PendingLookup late;
        while ((late = incoming.poll()) != null) {
            into.add(late);
        }
        return into;
    }
}
