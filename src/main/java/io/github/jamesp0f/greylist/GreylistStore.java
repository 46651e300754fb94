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
 * Expired entries are removed without a full scan on the RCPT path. Implementations are
 * thread-safe.
 */
public interface GreylistStore extends AutoCloseable {

    /**
     * Records one attempt of {@code triplet} at {@code nowMillis} (epoch milliseconds) and decides.
     *
     * @throws GreylistStoreException when the store cannot decide
     */
    GreylistDecision record(Triplet triplet, long nowMillis);

    /** Number of live entries, for tests and benchmarks; may be approximate or slow for shared stores. */
    long size();

    @Override
    void close();
}
