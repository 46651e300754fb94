package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.util.ArrayDeque;
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
 * <li>Callers never wait on each other or on the socket. Each queues its lookup in
 * {@code incoming}; whichever caller wins {@code writing} moves everything queued into
 * {@code owed} and hands its bytes to the {@link QueryWriter}, then looks again before it leaves
 * so that nothing queued is left behind. A connection's thread (a dependent action asking again)
 * only queues, and writes later ({@link ConnectionThread}).</li>
 * <li>{@code inFlight} bounds what one connection holds: a caller counts itself in before
 * queuing (and out again if that passes {@code maxInFlight}); answers read count out.</li>
 * <li>{@code lock} guards everything else here, and is held only for non-blocking work. The
 * volatile fields are read without it as hints and acted on under it.</li>
 * <li>A query keeps its place until its answer is read, even after its lookup timed out or was
 * cancelled: answers carry no id, so the place is what pairs the next answer with its query.</li>
 * <li>Reading ends ({@link #endIfDone}) only under {@code lock}, when nothing is owed (or the
 * drain on close ran out), and nothing is written after it: p0f dies of SIGPIPE when it answers
 * a socket no longer read.</li>
 * </ul>
 */
final class QueryPipeline {

    /** What became of a lookup handed to {@link #submit}. */
    enum Submitted { SENT, FULL, UNAVAILABLE }

    /** Where lookups go that came too late to be sent (the connection closes or was lost). */
    interface Refusals {
        /** {@code failure} is null when they came after a retired connection ended: send them elsewhere. */
        void unsent(List<PendingLookup> lookups, P0fFailure failure);
    }

    private final int maxInFlight;
    private final Refusals refusals;

    private final ConcurrentLinkedQueue<PendingLookup> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Lookups handed in and not yet answered, timed-out and cancelled ones included. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<PendingLookup> owed;
    private final QueryWriter writer;
    private volatile boolean connected;
    /** Takes no new lookups; the connection closes once nothing is owed. */
    private volatile boolean retired;
    /** Why lookups that come too late fail; set when closing or lost. */
    private P0fFailure refusal;
    /** The client closes: write nothing more, read what is owed until drainDeadlineNanos. */
    private volatile boolean closing;
    private long drainDeadlineNanos;
    private long answersRead;
    /** Nothing more is read, so nothing more may be written. */
    private boolean ended;

    QueryPipeline(int maxInFlight, Refusals refusals) {
        this.maxInFlight = maxInFlight;
        this.refusals = refusals;
        this.owed = new ArrayDeque<>(maxInFlight);
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
                        owed.addLast(next);
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

    /**
     * Moves the lookups whose deadline passed into {@code expired} (they keep their place);
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
                if (p.deadlineNanos - nowNanos <= 0) {
                    expired.add(p);
                } else if (next == Long.MAX_VALUE || p.deadlineNanos - next < 0) {
                    next = p.deadlineNanos;
                }
            }
            return next;
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
            for (PendingLookup p : owed) {
                if (!p.isDone()) {
                    waiting.add(p);
                }
            }
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

    /** Writes what an earlier write left over. */
    void flush() {
        if (!writer.hasLeftover()) {
            return;
        }
        lock.lock();
        try {
            if (!closing && !ended) {
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
            if (answersRead + count > writer.queriesWritten()) {
                return false;
            }
            answersRead += count;
            for (int i = 0; i < count; i++) {
                batch[i] = owed.pollFirst();
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
            return writer.queriesWritten() - answersRead;
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
            unanswered.addAll(owed);
            owed.clear();
            drainIncoming(unanswered);
        } finally {
            lock.unlock();
        }
    }

    /** The connection's thread ends: nothing is written after this; closing the channel also ends a stuck connect(). */
    void closeChannel() {
        lock.lock();
        try {
            ended = true;
        } finally {
            lock.unlock();
        }
        writer.closeChannel();
    }

    // ----- under lock

    private boolean endIfDoneLocked(long nowNanos) {
        if (!ended && retired) {
            boolean nothingOwed = answersRead == writer.queriesWritten();
            ended = closing
                ? nothingOwed || nowNanos - drainDeadlineNanos >= 0
                : nothingOwed && !writer.hasUnwritten();
        }
        return ended;
    }

    /** Another thread changed the state: the connection's thread, blocked in read(), is told if it is done. */
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
