package io.github.jamesp0f.client.transport;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.protocol.Ipv4Mapped;

/**
 * Recent MATCH answers by remote address, least recently used dropped first, each kept for the
 * configured time to live. A TTL of zero makes every call a no-op. Only matches are kept: a
 * NOMATCH may turn into a match a moment later, when p0f has processed the SYN. Every access
 * holds the map's lock (an access-ordered map changes even when read), briefly.
 */
final class MatchCache {

    private final long ttlNanos;
    private final int maxSize;
    private final Ticker ticker;
    private final LinkedHashMap<InetAddress, Cached> entries;

    MatchCache(long ttlNanos, int maxSize, Ticker ticker) {
        this.ttlNanos = ttlNanos;
        this.maxSize = maxSize;
        this.ticker = ticker;
        this.entries = new LinkedHashMap<InetAddress, Cached>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Cached> eldest) {
                return size() > MatchCache.this.maxSize;
            }
        };
    }

    boolean enabled() {
        return ttlNanos > 0;
    }

    /** The cached answer, marked as from the cache, or null. */
    P0fLookup get(InetAddress address) {
        if (!enabled()) {
            return null;
        }
        InetAddress key = Ipv4Mapped.unmapped(address);
        long now = ticker.nanoTime();
        // ::ffff:a.b.c.d and a.b.c.d are the same host to p0f, so they share an entry.
        synchronized (entries) {
            Cached e = entries.get(key);
            if (e == null) {
                return null;
            }
            if (now - e.storedAt >= ttlNanos) {
                entries.remove(key);
                return null;
            }
            return e.cached;
        }
    }

    void putMatch(InetAddress address, P0fLookup lookup) {
        if (!enabled() || !lookup.isMatch() || lookup.fromCache()) {
            return;
        }
        Cached e = new Cached(lookup.fromCacheCopy(), ticker.nanoTime());
        InetAddress key = Ipv4Mapped.unmapped(address);
        synchronized (entries) {
            entries.put(key, e);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static final class Cached {
        final P0fLookup cached;
        final long storedAt;

        Cached(P0fLookup cached, long storedAt) {
            this.cached = cached;
            this.storedAt = storedAt;
        }
    }
}
