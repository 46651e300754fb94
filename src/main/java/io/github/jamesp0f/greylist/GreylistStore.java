package io.github.jamesp0f.greylist;

/**
 * Where triplets live. One call per RCPT: {@link #record} both reads and updates the triplet, so
 * that a shared store can do it atomically in one round trip (a single upsert) and two MX hosts
 * racing on the same triplet cannot both count as "first attempt" or lose each other's update.
 *
 * <p>Every implementation follows the same rules (checked by one contract test):
 * <ul>
 * <li>unknown or expired triplet: remember it with first attempt = now, expiring at
 *     now + unseen lifetime; {@link GreylistDecision#DEFERRED_NEW};</li>
 * <li>known, not whitelisted, now &lt; first attempt + block time: unchanged;
 *     {@link GreylistDecision#DEFERRED_EARLY};</li>
 * <li>known and whitelisted, or not whitelisted and now &gt;= first attempt + block time:
 *     whitelisted until now + whitelist lifetime; {@link GreylistDecision#PASSED}.</li>
 * </ul>
 * With auto-whitelisting ({@code autoWhitelistAfter} N &gt; 0), clients are counted too:
 * <ul>
 * <li>a triplet that passes after waiting (the retry after the block time, not the later uses of a
 *     whitelisted triplet) counts one pass for its client; a client's count is forgotten when it
 *     has not passed for the whitelist lifetime;</li>
 * <li>a client with N passes or more is whitelisted: every triplet from it passes at once,
 *     {@link GreylistDecision#PASSED_CLIENT_WHITELISTED}, without the triplet being recorded, and
 *     each such pass keeps the client whitelisted until now + whitelist lifetime.</li>
 * </ul>
 * Expired entries are removed without a full scan on the RCPT path. Implementations are
 * thread-safe.
 */
public interface GreylistStore extends AutoCloseable {

    /**
     * Records one attempt of {@code triplet} at {@code nowMillis} (epoch milliseconds) and decides;
     * a retry that passes after waiting carries its delay (now - first attempt).
     *
     * @throws GreylistStoreException when the store cannot decide
     */
    GreylistVerdict decide(Triplet triplet, long nowMillis);

    /** {@link #decide}'s decision alone. */
    default GreylistDecision record(Triplet triplet, long nowMillis) {
        return decide(triplet, nowMillis).decision();
    }

    /** Number of live entries, for tests and benchmarks; may be approximate or slow for shared stores. */
    long size();

    @Override
    void close();
}
