package io.github.jamesp0f.client.transport;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.jamesp0f.client.P0fLookup;

/**
 * One lookup on its way through p0f. It keeps its place in its connection's queue until p0f's
 * answer is read, even after its future completed (timed out or cancelled): answers come back in
 * order and carry no id, so the slot is what pairs the next answer with the right query.
 */
final class PendingLookup {

    final InetAddress address;
    final CompletableFuture<P0fLookup> future;
    /** When the caller asked (the client's {@link Ticker}), for the elapsed time reported. */
    final long startNanos;
    /** When this attempt times out (the client's {@link Ticker}). */
    final long deadlineNanos;
    /** True for the second attempt after a NOMATCH: there is no third. */
    final boolean retry;

    PendingLookup(InetAddress address, CompletableFuture<P0fLookup> future, long startNanos,
                  long deadlineNanos, boolean retry) {
        this.address = address;
        this.future = future;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.retry = retry;
    }

    /**
     * The second attempt after a NOMATCH, asked {@code delayNanos} later. Its deadline is this
     * one's moved by the same delay, never a fresh timeout: a lookup completes within timeout +
     * retry delay from the call, whenever the first answer came.
     */
    PendingLookup retry(long delayNanos) {
        return new PendingLookup(address, future, startNanos, deadlineNanos + delayNanos, true);
    }

    private static final AtomicIntegerFieldUpdater<PendingLookup> SETTLED =
        AtomicIntegerFieldUpdater.newUpdater(PendingLookup.class, "settled");

    /** 1 once an outcome was chosen (answer, timeout, failure, or the caller cancelled). */
    private volatile int settled;

    /** True for the one caller that gets to decide this lookup's outcome. */
    boolean settle() {
        return SETTLED.compareAndSet(this, 0, 1);
    }

    boolean isDone() {
        return settled != 0 || future.isDone();
    }
}
