package io.github.jamesp0f.client.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/**
 * The v3 client's connections: at most {@code connections} active ones, and at most as many
 * retired ones, which take no lookups and close once p0f has answered everything asked on them.
 * While that many retired connections wait for a stalled p0f, no more are opened (p0f has few API
 * slots) and lookups fail fast instead.
 *
 * <p>A lookup goes to the first connection with room; the next slot's connection is opened only
 * when those before it are full. One connection then carries a chain of lookups (an answer's
 * callback asking again) on the thread that read the answer, and reads answers in larger
 * batches: taking turns instead cost one lookup in flight about a third of its speed (measured
 * with {@code bench}, see docs/benchmarks.md).
 *
 * <p>Slots change only under {@code lock}; callers read them without it. A connection that has
 * just left its slot refuses a lookup (UNAVAILABLE), which then tries the next slot, so a caller
 * never needs the lock except to open a connection in an empty slot.
 */
final class V3Connections implements V3Connection.Owner {

    private final ClientCore core;
    private final int maxInFlight;
    private final Dialer dialer;
    private final Consumer<PendingLookup> retry;
    private final AtomicReferenceArray<V3Connection> active;
    private final List<V3Connection> retired = new CopyOnWriteArrayList<>();
    private final List<V3Connection> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final Object lock = new Object();

    /** @param retry asks a first NOMATCH once more, later */
    V3Connections(ClientCore core, int slots, int maxInFlight, Consumer<PendingLookup> retry) {
        this.core = core;
        this.maxInFlight = maxInFlight;
        this.dialer = new Dialer(core.endpoint(), core.config().timeout());
        this.retry = retry;
        this.active = new AtomicReferenceArray<>(slots);
    }

    /** Every connection still open, active and retired, for timeouts, status and close. */
    List<V3Connection> all() {
        return all;
    }

    /** Hands {@code p} to the next connection that takes it, or fails it saying why none did. */
    void send(PendingLookup p) {
        int slots = active.length();
        boolean anyFull = false;
        for (int i = 0; i < slots; i++) {
            V3Connection c = active.get(i);
            QueryPipeline.Submitted outcome = c != null ? c.submit(p) : openWith(i, p);
            if (outcome == QueryPipeline.Submitted.SENT) {
                return;
            }
            anyFull |= outcome == QueryPipeline.Submitted.FULL;
        }
        P0fFailure why = anyFull
            ? FailureWords.overloaded(core.endpoint(), maxInFlight, "on each connection")
            : core.failFast();
        core.fail(p, why != null ? why : FailureWords.allConnectionsWaiting(core.endpoint()));
    }

    /**
     * Opens a connection in the empty slot {@code i} with {@code p} as its first lookup, queued
     * before the connection's thread starts, so that a failing connect reports its own cause
     * (no socket, refused, denied) to the lookup that caused it.
     */
    private QueryPipeline.Submitted openWith(int i, PendingLookup p) {
        synchronized (lock) {
            V3Connection c = active.get(i);
            if (c != null) {
                return c.submit(p);
            }
            if (core.isClosed()) {
                return QueryPipeline.Submitted.UNAVAILABLE;
            }
            c = new V3Connection(core.endpoint(), dialer, this, maxInFlight, "p0f-connection-" + opened.incrementAndGet());
            QueryPipeline.Submitted outcome = c.submit(p);
            active.set(i, c);
            all.add(c);
            c.start();
            return outcome;
        }
    }

    /**
     * A lookup timed out on {@code c}: it takes no new lookups, and a fresh connection takes its
     * slot; unless as many connections already wait for a stalled p0f, then {@code c} stays.
     */
    void retire(V3Connection c) {
        synchronized (lock) {
            if (retired.contains(c) || retired.size() >= active.length()) {
                return;
            }
            for (int i = 0; i < active.length(); i++) {
                if (active.get(i) == c) {
                    active.set(i, null);
                    retired.add(c);
                    c.retire();
                    return;
                }
            }
        }
    }

    // ----- what connections report, on their own threads

    @Override
    public void answered(PendingLookup p, P0fLookup result) {
        core.answered(p, result, retry);
    }

    @Override
    public void lost(V3Connection connection, List<PendingLookup> unanswered, P0fFailure failure) {
        core.backOff(failure);
        vacate(connection);
        for (PendingLookup p : unanswered) {
            core.fail(p, failure);
        }
    }

    @Override
    public void unsent(List<PendingLookup> lookups, P0fFailure failure) {
        for (PendingLookup p : lookups) {
            if (failure == null) {
                // Too late for a retired connection that has just ended; it left its slot already.
                send(p);
            } else {
                core.fail(p, failure);
            }
        }
    }

    @Override
    public void closed(V3Connection connection) {
        synchronized (lock) {
            vacate(connection);
            retired.remove(connection);
            all.remove(connection);
        }
    }

    /** Frees the slot of a connection that serves no more, for a fresh one. */
    private void vacate(V3Connection connection) {
        for (int i = 0; i < active.length(); i++) {
            active.compareAndSet(i, connection, null);
        }
    }
}
