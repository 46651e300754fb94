package io.github.jamesp0f.client.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fLookup;

/**
 * The p0f v3 client: a few persistent connections ({@link V3Connections}), queries pipelined on
 * each, answers paired with queries in order. lookup() only writes a 21-byte query (or answers at
 * once from the cache or the back-off) and returns; everything else happens on the client's own
 * threads: one per connection, and one timer for timeouts and NOMATCH retries.
 *
 * <p>A connection on which a lookup timed out is retired: it takes no new lookups and closes once
 * p0f has answered everything it was asked on it, and a fresh connection takes its place.
 */
final class V3P0fClient implements P0fClient {

    /**
     * Lookups waiting on one connection at most. 128 queries of 21 bytes fill well under half of
     * what a unix socket takes before a write would block (278 here, with p0f not even reading).
     */
    static final int DEFAULT_MAX_IN_FLIGHT = 128;
    /** The least close() waits for connections to read the answers still owed. */
    private static final long MIN_CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a closed client's connections keep reading answers owed by a stalled p0f, in the
     * background, before closing anyway: a p0f frozen longer than this dies of SIGPIPE when it
     * resumes, but no thread or socket lingers forever.
     */
    static final Duration BACKGROUND_DRAIN = Duration.ofSeconds(60);

    private final ClientCore core;
    private final long backgroundDrainNanos;
    private final V3Connections connections;
    /** When the sweep runs next (the ticker's time); in the past while it runs. */
    private volatile long sweepAt;

    V3P0fClient(P0fClientConfig config, P0fClientListener listener) {
        this(config, listener, Ticker.SYSTEM, DEFAULT_MAX_IN_FLIGHT, BACKGROUND_DRAIN);
    }

    /** For tests: a clock the test moves, a chosen in-flight bound and drain on close. */
    V3P0fClient(P0fClientConfig config, P0fClientListener listener, Ticker ticker, int maxInFlightPerConnection,
                Duration backgroundDrain) {
        if (maxInFlightPerConnection < 1 || maxInFlightPerConnection > 256) {
            throw new IllegalArgumentException("maxInFlightPerConnection must be between 1 and 256, not "
                + maxInFlightPerConnection);
        }
        NativeWarmUp.once();
        this.backgroundDrainNanos = backgroundDrain.toNanos();
        this.core = new ClientCore(config, listener, ticker, "p0f-timer");
        this.connections = new V3Connections(core, config.connections(), maxInFlightPerConnection, this::retry);
        sweepAt = core.now() + core.timeoutNanos();
        core.schedule(this::sweep, core.timeoutNanos());
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
            connections.send(p);
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
        for (V3Connection c : connections.all()) {
            open += c.isConnected() ? 1 : 0;
            inFlight += c.inFlight();
        }
        return core.status(open, inFlight);
    }

    @Override
    public void close() {
        if (core.isClosed()) {
            return;
        }
        core.close();
        List<V3Connection> closing = new ArrayList<>(connections.all());
        for (V3Connection c : closing) {
            for (PendingLookup p : c.close(backgroundDrainNanos)) {
                core.fail(p, FailureWords.CLOSED);
            }
        }
        long deadline = System.nanoTime() + Math.max(MIN_CLOSE_WAIT_NANOS, 2 * core.timeoutNanos());
        try {
            for (V3Connection c : closing) {
                c.awaitClosed(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A first NOMATCH, asked once more after the retry delay (on the timer). */
    private void retry(PendingLookup p) {
        if (core.isClosed()) {
            core.fail(p, FailureWords.CLOSED);
            return;
        }
        if (core.failFast() != null) {
            // p0f failed meanwhile: its first answer stands.
            core.finish(p, P0fLookup.noMatch());
            return;
        }
        connections.send(p);
        // Due sooner than a fresh timeout: if the sweep sleeps past this deadline (rarely: only
        // when p0f's first answer was slow), the retry gets a check of its own. Sent first, so
        // that a sweep running now either sees it or has not yet said when it runs next.
        long now = core.now();
        long plannedSweep = sweepAt;
        if (plannedSweep - now <= 0 || p.deadlineNanos - plannedSweep < 0) {
            core.schedule(this::expireDue, p.deadlineNanos - now);
        }
    }

    // ----- timeouts, on the timer

    /**
     * Times out every lookup whose deadline passed, then sleeps until the next deadline. A first
     * attempt made later is due at least one timeout away, so the sweep never sleeps longer than
     * {@code timeout}; a NOMATCH retry may be due sooner (see {@link #retry}).
     */
    private void sweep() {
        long nextDeadline = expireDue();
        long now = core.now();
        long delay = Math.min(core.timeoutNanos(),
            nextDeadline == Long.MAX_VALUE ? core.timeoutNanos() : Math.max(0, nextDeadline - now));
        sweepAt = now + delay;
        core.schedule(this::sweep, delay);
    }

    /** Times out every lookup whose deadline passed; returns the next deadline, or {@code Long.MAX_VALUE}. */
    private long expireDue() {
        long nextDeadline = Long.MAX_VALUE;
        try {
            long now = core.now();
            Duration timeout = core.config().timeout();
            List<PendingLookup> expired = new ArrayList<>();
            for (V3Connection c : connections.all()) {
                expired.clear();
                long next = c.expire(now, expired);
                if (next != Long.MAX_VALUE && (nextDeadline == Long.MAX_VALUE || next - nextDeadline < 0)) {
                    nextDeadline = next;
                }
                if (!expired.isEmpty()) {
                    // Retired first: whoever sees the timeout and asks again must get a fresh connection.
                    connections.retire(c);
                    core.timedOut(expired, c.isConnected() ? FailureWords.timeout(core.endpoint(), timeout)
                        : FailureWords.connectTimedOut(core.endpoint(), timeout));
                }
            }
        } catch (RuntimeException e) {
            // Keep sweeping whatever went wrong with one connection.
        }
        return nextDeadline;
    }
}
