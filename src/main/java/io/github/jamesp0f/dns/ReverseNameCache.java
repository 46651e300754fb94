package io.github.jamesp0f.dns;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * FCrDNS results per address, so that a client costs DNS queries once per {@code lifetime}, not
 * once per connection. A lookup in flight is shared: ten connections from one address at once
 * start one lookup. Failures are kept for at most {@link #FAILURE_LIFETIME_MILLIS}: a DNS outage
 * should not cost every connection a timeout, and should not outlive the outage by an hour either.
 *
 * <p>Bounded: past {@code maxEntries} the least recently used address goes. One lock, held only
 * for a map operation; the lookup itself runs outside it.
 */
public final class ReverseNameCache {

    public static final long FAILURE_LIFETIME_MILLIS = 60_000;

    private final Function<InetAddress, CompletableFuture<ReverseName>> lookup;
    private final LongSupplier clock;
    private final long lifetimeMillis;
    private final Runnable onFailure;
    private final Map<InetAddress, Cached> entries;

    /**
     * @param onFailure called once per lookup that ends FAILED (for the metrics), not per cache hit
     */
    public ReverseNameCache(Function<InetAddress, CompletableFuture<ReverseName>> lookup, LongSupplier clock,
                            long lifetimeMillis, int maxEntries, Runnable onFailure) {
        this.lookup = lookup;
        this.clock = clock;
        this.lifetimeMillis = lifetimeMillis;
        this.onFailure = onFailure;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached or in-flight result for {@code address}, or a new lookup. Never waits. */
    public CompletableFuture<ReverseName> get(InetAddress address) {
        long now = clock.getAsLong();
        Cached fresh;
        synchronized (entries) {
            Cached cached = entries.get(address);
            if (cached != null && cached.liveAt(now)) {
                return cached.result;
            }
            fresh = new Cached();
            entries.put(address, fresh);
        }
        // Outside the lock: a resolver may complete at once, on this thread.
        CompletableFuture<ReverseName> started;
        try {
            started = lookup.apply(address);
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((name, error) -> {
            ReverseName result = name != null ? name : ReverseName.failed("lookup failed: " + error);
            long done = clock.getAsLong();
            fresh.expiresAt = done + (result.failed() ? Math.min(FAILURE_LIFETIME_MILLIS, lifetimeMillis) : lifetimeMillis);
            if (result.failed()) {
                onFailure.run();
            }
            fresh.result.complete(result);
        });
        return fresh.result;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static final class Cached {
        private final CompletableFuture<ReverseName> result = new CompletableFuture<>();
        /** Long.MAX_VALUE while in flight. Written before the future completes, read after. */
        private volatile long expiresAt = Long.MAX_VALUE;

        private boolean liveAt(long now) {
            return now < expiresAt;
        }
    }
}
