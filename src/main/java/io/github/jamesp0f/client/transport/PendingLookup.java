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
    /** When the caller asked ({@link System#nanoTime()}), for the elapsed time reported. */
    final long startNanos;
    /** When this attempt times out ({@link System#nanoTime()}). */
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
