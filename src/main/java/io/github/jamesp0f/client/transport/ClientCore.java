package io.github.jamesp0f.client.transport;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/**
 * What the v3 and v2 clients share: answers known without asking p0f (closed, cached, backing
 * off), completing each lookup exactly once and telling the listener, the NOMATCH retry, the
 * back-off, and the timer thread (timeouts, retries). Lookups complete on whichever thread
 * settles them first ({@link PendingLookup#settle()}): a connection's, the timer, or the caller's.
 */
final class ClientCore {

    private final P0fClientConfig config;
    private final long timeoutNanos;
    private final ClientState state;
    private final MatchCache cache;
    private final ScheduledThreadPoolExecutor timer;

    private final long noMatchRetryNanos;
    private final P0fClientListener listener;
    /** Every time the client keeps (deadlines, cache, back-off) is on this clock. */
    private final Ticker ticker;

    ClientCore(P0fClientConfig config, P0fClientListener listener, Ticker ticker, String threadName) {
        this.config = config;
        this.timeoutNanos = config.timeout().toNanos();
        this.noMatchRetryNanos = config.noMatchRetryDelay().toNanos();
        this.listener = listener;
        this.ticker = ticker;
        this.state = new ClientState(config.retryWindow().toNanos(), ticker, listener);
        this.cache = new MatchCache(config.cacheTtl().toNanos(), config.cacheSize(), ticker);
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads(threadName));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * The outcome when it is known without asking p0f (client closed, answer cached, p0f failed
     * recently), already completed; null when p0f must be asked.
     */
    CompletableFuture<P0fLookup> answerAtOnce(InetAddress address, long startNanos) {
        P0fFailure closedOrBackingOff = state.failFast();
        if (closedOrBackingOff != null && closedOrBackingOff.kind() == P0fFailure.Kind.CLOSED) {
            return completed(P0fLookup.failed(closedOrBackingOff), startNanos);
        }
        P0fLookup cached = cache.get(address);
        if (cached != null) {
            return completed(cached, startNanos);
        }
        return closedOrBackingOff == null ? null : completed(P0fLookup.failed(closedOrBackingOff), startNanos);
    }

    long now() {
        return ticker.nanoTime();
    }

    P0fClientConfig config() {
        return config;
    }

    P0fEndpoint endpoint() {
        return config.endpoint();
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    boolean isClosed() {
        return state.state() == P0fClientStatus.State.CLOSED;
    }

    /** Why lookups fail fast right now (closed, backing off), or null when they may go to p0f. */
    P0fFailure failFast() {
        return state.failFast();
    }

    /** p0f failed: lookups fail fast for the retry window. */
    void backOff(P0fFailure failure) {
        state.failed(failure);
    }

    /** Runs {@code task} on the timer after {@code delayNanos}; false if the client is closed. */
    boolean schedule(Runnable task, long delayNanos) {
        try {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** A lookup of {@code address} starting now, due within the timeout. */
    PendingLookup newLookup(InetAddress address) {
        long start = ticker.nanoTime();
        return new PendingLookup(address, new CompletableFuture<>(), start, start + timeoutNanos, false);
    }

    CompletableFuture<P0fLookup> completed(P0fLookup result, long startNanos) {
        CompletableFuture<P0fLookup> future = CompletableFuture.completedFuture(result);
        report(result, startNanos);
        return future;
    }

    /**
     * Completes the lookup unless it already is (timed out, cancelled); true if this call did.
     * The listener hears of it before the future completes, so that whoever waits on the future
     * finds it counted.
     */
    boolean finish(PendingLookup p, P0fLookup result) {
        if (!p.settle()) {
            return false;
        }
        if (result.isMatch()) {
            cache.putMatch(p.address, result);
        }
        report(result, p.startNanos);
        p.future.complete(result);
        return true;
    }

    void fail(PendingLookup p, P0fFailure failure) {
        finish(p, P0fLookup.failed(failure));
    }

    /**
     * p0f answered {@code p}: a first NOMATCH is asked once more, {@code noMatchRetryDelay} later,
     * through {@code resubmit}, due by {@code p}'s deadline plus that delay.
     */
    void answered(PendingLookup p, P0fLookup result, Consumer<PendingLookup> resubmit) {
        state.answered();
        if (p.isDone()) {
            return;
        }
        if (result.status() == P0fLookup.Status.NO_MATCH && !p.retry && noMatchRetryNanos > 0) {
            PendingLookup retry = p.retry(noMatchRetryNanos);
            if (schedule(() -> resubmit.accept(retry), noMatchRetryNanos)) {
                return;
            }
            // The timer is shut down: the client is closing, the first answer will do.
        }
        finish(p, result);
    }

    /** The lookups' deadlines passed with their queries asked: they fail TIMEOUT, and p0f is given a rest. */
    void timedOut(List<PendingLookup> expired) {
        timedOut(expired, FailureWords.timeout(config.endpoint(), config.timeout()));
    }

    /** The same, saying why with {@code failure}, a TIMEOUT (no answer, or the connect never completed). */
    void timedOut(List<PendingLookup> expired, P0fFailure failure) {
        backOff(failure);
        for (PendingLookup p : expired) {
            fail(p, failure);
        }
    }

    /** p0f failed {@code p}: it fails, and p0f is given a rest. */
    void failAndBackOff(PendingLookup p, P0fFailure failure) {
        backOff(failure);
        fail(p, failure);
    }

    P0fClientStatus status(int openConnections, int lookupsInFlight) {
        return new P0fClientStatus(config.endpoint(), config.version(), state.state(), state.since(),
            state.lastError(), openConnections, lookupsInFlight, cache.size());
    }

    /** Marks the client closed and stops the timer; delayed NOMATCH retries run now and see CLOSED. */
    void close() {
        state.closed();
        List<Runnable> waiting = timer.shutdownNow();
        for (Runnable r : waiting) {
            r.run();
        }
    }

    private void report(P0fLookup result, long startNanos) {
        try {
            listener.lookupCompleted(result, ticker.nanoTime() - startNanos);
        } catch (RuntimeException e) {
            // A listener must not break the client; its own bug stays its own.
        }
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
