package io.github.jamesp0f.client.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/**
 * The p0f v3 client: a few persistent connections ({@code connections}), queries pipelined on
 * each, answers paired with queries in order. lookup() only writes a 21-byte query (or answers at
 * once from the cache or the back-off) and returns; everything else happens on the client's own
 * threads: one per connection, and one timer for timeouts and NOMATCH retries.
 *
 * <p>A connection on which a lookup timed out is retired: it takes no new lookups and closes once
 * p0f has answered everything it was asked on it, and a fresh connection takes its place. At most
 * {@code connections} retired connections are kept; while that many wait for a stalled p0f, the
 * client backs off instead of opening more.
 */
public final class V3P0fClient implements P0fClient, V3Connection.Owner {

    /**
     * Lookups waiting on one connection at most. 128 queries of 21 bytes fill well under half of
     * what a unix socket takes before a write would block (278 here, with p0f not even reading).
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 128;
    /** The least close() waits for connections to read the answers still owed. */
    private static final long MIN_CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a closed client's connections keep reading answers owed by a stalled p0f, in the
     * background, before closing anyway: a p0f frozen longer than this dies of SIGPIPE when it
     * resumes, but no thread or socket lingers forever.
     */
    private static final long BACKGROUND_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ClientCore core;
    private final int maxInFlight;
    private final AtomicReferenceArray<V3Connection> active;
    private final List<V3Connection> retired = new CopyOnWriteArrayList<>();
    private final List<V3Connection> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger connectionNumber = new AtomicInteger();
    private final Object connectionsLock = new Object();

    public V3P0fClient(P0fClientConfig config, P0fClientListener listener) {
        this(config, listener, Ticker.SYSTEM, DEFAULT_MAX_IN_FLIGHT);
    }

    /** For tests: a hand-moved clock for the cache and back-off, a chosen in-flight bound. */
    V3P0fClient(P0fClientConfig config, P0fClientListener listener, Ticker ticker, int maxInFlightPerConnection) {
        if (maxInFlightPerConnection < 1 || maxInFlightPerConnection > 256) {
            throw new IllegalArgumentException("maxInFlightPerConnection must be between 1 and 256, not "
                + maxInFlightPerConnection);
        }
        NativeWarmUp.once();
        this.core = new ClientCore(config, listener, ticker, "p0f-timer");
        this.maxInFlight = maxInFlightPerConnection;
        this.active = new AtomicReferenceArray<>(config.connections());
        scheduleSweep(core.timeoutNanos);
    }

    @Override
    public CompletableFuture<P0fLookup> lookup(InetAddress remote) {
        long start = core.now();
        try {
            if (remote == null) {
                return core.completed(P0fLookup.failed(FailureWords.unsupported("no remote address to look up")), start);
            }
            CompletableFuture<P0fLookup> known = core.answerAtOnce(remote, start);
            if (known != null) {
                return known;
            }
            PendingLookup p = core.newLookup(remote);
            send(p);
            return p.future;
        } catch (RuntimeException e) {
            // Nothing escapes to the caller, whatever went wrong in here.
            return core.completed(P0fLookup.failed(FailureWords.internalError(e)), start);
        }
    }

    @Override
    public CompletableFuture<P0fLookup> lookup(InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null || remote.getAddress() == null) {
            return core.completed(P0fLookup.failed(FailureWords.unsupported(
                "no resolved remote address to look up: " + remote)), core.now());
        }
        return lookup(remote.getAddress());
    }

    @Override
    public P0fClientStatus status() {
        int open = 0;
        int inFlight = 0;
        for (V3Connection c : all) {
            open += c.isConnected() ? 1 : 0;
            inFlight += c.inFlight();
        }
        return core.status(open, inFlight);
    }

    @Override
    public void close() {
        if (core.state.state() == P0fClientStatus.State.CLOSED) {
            return;
        }
        core.close();
        List<V3Connection> closing = new ArrayList<>(all);
        for (V3Connection c : closing) {
            for (PendingLookup p : c.close(BACKGROUND_DRAIN_NANOS)) {
                core.fail(p, FailureWords.CLOSED);
            }
        }
        long deadline = System.nanoTime() + Math.max(MIN_CLOSE_WAIT_NANOS, 2 * core.timeoutNanos);
        try {
            for (V3Connection c : closing) {
                c.awaitClosed(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ----- sending

    private void send(PendingLookup p) {
        int slots = active.length();
        int first = Math.floorMod(next.getAndIncrement(), slots);
        boolean anyFull = false;
        for (int i = 0; i < slots; i++) {
            int slot = Math.floorMod(first + i, slots);
            V3Connection c = active.get(slot);
            V3Connection.Submitted outcome = c != null ? c.submit(p) : openWith(slot, p);
            if (outcome == V3Connection.Submitted.SENT) {
                return;
            }
            anyFull |= outcome == V3Connection.Submitted.FULL;
        }
        P0fFailure why = anyFull
            ? FailureWords.overloaded(core.config.socketPath(), maxInFlight, "on each connection")
            : core.state.failFast();
        core.fail(p, why != null ? why : FailureWords.allConnectionsWaiting(core.config.socketPath()));
    }

    /**
     * Opens a connection in the empty slot {@code i} with {@code p} as its first lookup, queued
     * before the connection's thread starts, so that a failing connect reports its own cause
     * (no socket, refused, denied) to the lookup that caused it.
     */
    private V3Connection.Submitted openWith(int i, PendingLookup p) {
        synchronized (connectionsLock) {
            V3Connection c = active.get(i);
            if (c != null) {
                return c.submit(p);
            }
            if (core.state.state() == P0fClientStatus.State.CLOSED) {
                return V3Connection.Submitted.UNAVAILABLE;
            }
            c = new V3Connection(core.config.socketPath(), this, maxInFlight,
                "p0f-connection-" + connectionNumber.incrementAndGet());
            V3Connection.Submitted outcome = c.submit(p);
            active.set(i, c);
            all.add(c);
            c.start();
            return outcome;
        }
    }

    private void resubmit(PendingLookup p) {
        if (core.state.state() == P0fClientStatus.State.CLOSED) {
            core.fail(p, FailureWords.CLOSED);
            return;
        }
        if (core.state.failFast() != null) {
            // p0f failed meanwhile: its first answer stands.
            core.finish(p, P0fLookup.noMatch());
            return;
        }
        // Due sooner than a fresh timeout: the sweep may be asleep past this deadline.
        try {
            core.timer.schedule(this::expireDue, p.deadlineNanos - core.now(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // Closing: close() completes it.
        }
        send(p);
    }

    // ----- timeouts

    private void scheduleSweep(long delayNanos) {
        try {
            core.timer.schedule(this::sweep, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // The client is closed; nothing is left to time out.
        }
    }

    /**
     * Times out every lookup whose deadline passed, then sleeps until the next deadline. A first
     * attempt made later is due at least one timeout away, so the sweep never sleeps longer than
     * {@code timeout}; a NOMATCH retry, due sooner, schedules its own {@link #expireDue}.
     */
    private void sweep() {
        long nextDeadline = expireDue();
        long delay = nextDeadline == Long.MAX_VALUE ? core.timeoutNanos : Math.max(0, nextDeadline - core.now());
        scheduleSweep(Math.min(delay, core.timeoutNanos));
    }

    /** Times out every lookup whose deadline passed; returns the next deadline, or {@code Long.MAX_VALUE}. */
    private long expireDue() {
        long nextDeadline = Long.MAX_VALUE;
        try {
            long now = core.now();
            List<PendingLookup> expired = new ArrayList<>();
            for (V3Connection c : all) {
                expired.clear();
                nextDeadline = Math.min(nextDeadline, c.expire(now, expired));
                if (!expired.isEmpty()) {
                    timedOut(c, expired);
                }
            }
        } catch (RuntimeException e) {
            // Keep sweeping whatever went wrong with one connection.
        }
        return nextDeadline;
    }

    private void timedOut(V3Connection c, List<PendingLookup> expired) {
        // Retired first: whoever sees the timeout and asks again must get a fresh connection.
        retire(c);
        P0fFailure failure = core.timeoutFailure();
        core.state.failed(failure);
        for (PendingLookup p : expired) {
            core.fail(p, failure);
        }
    }

    private void retire(V3Connection c) {
        synchronized (connectionsLock) {
            if (retired.contains(c) || retired.size() >= active.length()) {
                // Too many connections already wait for a stalled p0f: keep this one rather than
                // take more of p0f's API slots.
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

    // ----- what connections report

    @Override
    public void answered(PendingLookup p, P0fLookup result) {
        core.answered(p, result, this::resubmit);
    }

    @Override
    public void lost(V3Connection connection, List<PendingLookup> unanswered, P0fFailure failure) {
        core.state.failed(failure);
        vacate(connection);
        for (PendingLookup p : unanswered) {
            core.fail(p, failure);
        }
    }

    @Override
    public void unsent(List<PendingLookup> lookups, P0fFailure failure) {
        for (PendingLookup p : lookups) {
            core.fail(p, failure);
        }
    }

    @Override
    public void closed(V3Connection connection) {
        synchronized (connectionsLock) {
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
