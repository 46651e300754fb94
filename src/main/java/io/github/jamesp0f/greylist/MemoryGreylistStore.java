package io.github.jamesp0f.greylist;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default store: in this James's memory, bounded in entries, lost on restart.
 *
 * <p>Two linked maps keep every entry in expiry order, so expiry never scans: waiting triplets
 * (expiring at first attempt + unseen lifetime) sit in insertion order, whitelisted ones (expiring
 * at last use + whitelist lifetime) in access order. Each call removes a few expired entries from
 * the two heads (amortised cleanup: every call adds at most one entry and can remove two), and
 * when the bound is reached the entry closest to expiry goes first.
 *
 * <p>Auto-whitelisted clients (keys of few bytes, far fewer than triplets) sit in a third map in
 * access order, expiring whitelist lifetime after their last pass, bounded by maxEntries as well.
 *
 * <p>Triplets are kept as a 128-bit hash, not as text, to stay near 100 bytes an entry. A
 * collision would merge two triplets; at a million entries its odds are about 1 in 10^26.
 * One lock: a decision takes well under a microsecond, far below SMTP's pace.
 */
public final class MemoryGreylistStore implements GreylistStore {

    public static final int DEFAULT_MAX_ENTRIES = 1_000_000;
    private static final int CLEANUP_PER_CALL = 2;

    private final GreylistPeriods periods;
    private final int maxEntries;
    private final int autoWhitelistAfter;
    /** Key -> first attempt (epoch ms); insertion order = expiry order. */
    private final LinkedHashMap<TripletHash, Long> waiting = new LinkedHashMap<>(1024, 0.75f, false);
    /** Key -> last use (epoch ms); access order = expiry order. */
    private final LinkedHashMap<TripletHash, Long> whitelisted = new LinkedHashMap<>(1024, 0.75f, true);
    /** Client key -> passes and last pass; access order = expiry order. */
    private final LinkedHashMap<String, ClientPasses> clients = new LinkedHashMap<>(64, 0.75f, true);

    /** Without auto-whitelisting. */
    public MemoryGreylistStore(GreylistPeriods periods, int maxEntries) {
        this(periods, maxEntries, 0);
    }

    /** {@code autoWhitelistAfter}: passes that whitelist a client; 0 turns auto-whitelisting off. */
    public MemoryGreylistStore(GreylistPeriods periods, int maxEntries, int autoWhitelistAfter) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        if (autoWhitelistAfter < 0) {
            throw new IllegalArgumentException("autoWhitelistAfter must be 0 or more, got " + autoWhitelistAfter);
        }
        this.periods = periods;
        this.maxEntries = maxEntries;
        this.autoWhitelistAfter = autoWhitelistAfter;
    }

    @Override
    public synchronized GreylistVerdict decide(Triplet triplet, long nowMillis) {
        expireSome(nowMillis);
        if (clientWhitelisted(triplet.client(), nowMillis)) {
            return GreylistVerdict.of(GreylistDecision.PASSED_CLIENT_WHITELISTED);
        }
        TripletHash key = TripletHash.of(triplet);
        Long lastUse = whitelisted.get(key);
        if (lastUse != null) {
            if (nowMillis < lastUse + periods.whitelistMillis()) {
                whitelisted.put(key, nowMillis);
                return GreylistVerdict.of(GreylistDecision.PASSED);
            }
            whitelisted.remove(key);
        }
        Long firstAttempt = waiting.get(key);
        if (firstAttempt != null) {
            if (nowMillis < firstAttempt + periods.blockMillis()) {
                return GreylistVerdict.of(GreylistDecision.DEFERRED_EARLY);
            }
            waiting.remove(key);
            if (nowMillis < firstAttempt + periods.unseenMillis()) {
                whitelisted.put(key, nowMillis);
                countPass(triplet.client(), nowMillis);
                return GreylistVerdict.passedAfter(nowMillis - firstAttempt);
            }
        }
        waiting.put(key, nowMillis);
        evictOverBound();
        return GreylistVerdict.of(GreylistDecision.DEFERRED_NEW);
    }

    private boolean clientWhitelisted(String client, long nowMillis) {
        if (autoWhitelistAfter == 0) {
            return false;
        }
        ClientPasses passes = clients.get(client);
        if (passes == null) {
            return false;
        }
        if (nowMillis >= passes.lastPass + periods.whitelistMillis()) {
            // Also keeps the access order an expiry order: get() moved it to the tail.
            clients.remove(client);
            return false;
        }
        if (passes.count < autoWhitelistAfter) {
            return false;
        }
        passes.lastPass = nowMillis;
        return true;
    }

    private void countPass(String client, long nowMillis) {
        if (autoWhitelistAfter == 0) {
            return;
        }
        ClientPasses passes = clients.get(client);
        if (passes == null || nowMillis >= passes.lastPass + periods.whitelistMillis()) {
            passes = new ClientPasses();
            clients.put(client, passes);
        }
        passes.count++;
        passes.lastPass = nowMillis;
        if (clients.size() > maxEntries) {
            Iterator<String> oldest = clients.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    @Override
    public synchronized long size() {
        return (long) waiting.size() + whitelisted.size();
    }

    @Override
    public void close() {
        // Nothing held outside the heap.
    }

    private void expireSome(long nowMillis) {
        expireHead(waiting, periods.unseenMillis(), nowMillis);
        expireHead(whitelisted, periods.whitelistMillis(), nowMillis);
        Iterator<ClientPasses> oldestClient = clients.values().iterator();
        for (int i = 0; i < CLEANUP_PER_CALL && oldestClient.hasNext(); i++) {
            if (oldestClient.next().lastPass + periods.whitelistMillis() > nowMillis) {
                break;
            }
            oldestClient.remove();
        }
    }

    /** A client's passes; mutable, changed under the store's lock only. */
    private static final class ClientPasses {
        private int count;
        private long lastPass;
    }

    private static void expireHead(LinkedHashMap<TripletHash, Long> map, long lifetime, long nowMillis) {
        Iterator<Map.Entry<TripletHash, Long>> oldest = map.entrySet().iterator();
        for (int i = 0; i < CLEANUP_PER_CALL && oldest.hasNext(); i++) {
            if (oldest.next().getValue() + lifetime > nowMillis) {
                return;
            }
            oldest.remove();
        }
    }

    private void evictOverBound() {
        while (waiting.size() + whitelisted.size() > maxEntries) {
            long waitingExpiry = headExpiry(waiting, periods.unseenMillis());
            long whitelistExpiry = headExpiry(whitelisted, periods.whitelistMillis());
            LinkedHashMap<TripletHash, Long> victim = waitingExpiry <= whitelistExpiry ? waiting : whitelisted;
            Iterator<TripletHash> head = victim.keySet().iterator();
            head.next();
            head.remove();
        }
    }

    private static long headExpiry(LinkedHashMap<TripletHash, Long> map, long lifetime) {
        Iterator<Long> head = map.values().iterator();
        return head.hasNext() ? head.next() + lifetime : Long.MAX_VALUE;
    }

    /**
     * A triplet as two independent 64-bit hashes of its text. Comparable, so that HashMap keeps a
     * bucket of (deliberately) colliding 32-bit hash codes as a tree, not a list.
     */
    static final class TripletHash implements Comparable<TripletHash> {
        private static final long FNV_OFFSET = 0xcbf29ce484222325L;
        private static final long FNV_PRIME = 0x100000001b3L;
        private static final long GOLDEN = 0x9E3779B97F4A7C15L;

        private final long high;
        private final long low;

        private TripletHash(long high, long low) {
            this.high = high;
            this.low = low;
        }

        static TripletHash of(Triplet triplet) {
            long[] state = {FNV_OFFSET, 0x2545F4914F6CDD1DL};
            mix(state, triplet.client());
            mix(state, triplet.sender());
            mix(state, triplet.recipient());
            return new TripletHash(finish(state[0]), finish(state[1]));
        }

        /** Each part is followed by a separator, so ("ab","c") and ("a","bc") differ. */
        private static void mix(long[] state, String part) {
            long a = state[0];
            long b = state[1];
            for (int i = 0, n = part.length(); i < n; i++) {
                char c = part.charAt(i);
                a = (a ^ c) * FNV_PRIME;
                b = (b + c) * GOLDEN;
                b ^= b >>> 29;
            }
            state[0] = (a ^ 0xFFFF) * FNV_PRIME;
            state[1] = (b + 0xFFFF) * GOLDEN;
        }

        /** MurmurHash3's 64-bit finaliser: spreads every input bit over the whole word. */
        private static long finish(long h) {
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            return h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof TripletHash)) {
                return false;
            }
            TripletHash other = (TripletHash) o;
            return high == other.high && low == other.low;
        }

        @Override
        public int hashCode() {
            return (int) (high ^ (high >>> 32));
        }

        @Override
        public int compareTo(TripletHash other) {
            int byHigh = Long.compare(high, other.high);
            return byHigh != 0 ? byHigh : Long.compare(low, other.low);
        }
    }
}
