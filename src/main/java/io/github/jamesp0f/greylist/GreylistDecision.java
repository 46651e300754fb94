package io.github.jamesp0f.greylist;

/** What a store decided for one attempt of a triplet. */
public enum GreylistDecision {
    /** First attempt (or the previous one expired): deferred, and the attempt is remembered. */
    DEFERRED_NEW,
    /** Retried before the block time ran out: deferred again, nothing renewed. */
    DEFERRED_EARLY,
    /** Retried after the block time, or already whitelisted: passes, whitelist renewed. */
    PASSED,
    /** The client (its key) is auto-whitelisted: passes without the triplet being recorded. */
    PASSED_CLIENT_WHITELISTED;

    public boolean deferred() {
        return this == DEFERRED_NEW || this == DEFERRED_EARLY;
    }
}
