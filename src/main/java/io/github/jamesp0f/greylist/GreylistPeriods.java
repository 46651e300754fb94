package io.github.jamesp0f.greylist;

import java.time.Duration;

/**
 * The three durations of classic greylisting. A new triplet is deferred; a retry at least
 * {@code blockTime} after the first attempt and before {@code unseenLifetime} has run out passes and
 * whitelists the triplet for {@code whitelistLifetime}, renewed on every use.
 */
public final class GreylistPeriods {

    public static final Duration DEFAULT_BLOCK_TIME = Duration.ofMinutes(5);
    public static final Duration DEFAULT_UNSEEN_LIFETIME = Duration.ofHours(4);
    public static final Duration DEFAULT_WHITELIST_LIFETIME = Duration.ofDays(36);

    private final long blockMillis;
    private final long unseenMillis;
    private final long whitelistMillis;

    public GreylistPeriods(Duration blockTime, Duration unseenLifetime, Duration whitelistLifetime) {
        if (blockTime.isNegative() || unseenLifetime.compareTo(blockTime) <= 0 || whitelistLifetime.isNegative()
            || whitelistLifetime.isZero()) {
            throw new IllegalArgumentException("need 0 <= blockTime < unseenLifetime and whitelistLifetime > 0, got "
                + blockTime + ", " + unseenLifetime + ", " + whitelistLifetime);
        }
        this.blockMillis = blockTime.toMillis();
        this.unseenMillis = unseenLifetime.toMillis();
        this.whitelistMillis = whitelistLifetime.toMillis();
    }

    public static GreylistPeriods defaults() {
        return new GreylistPeriods(DEFAULT_BLOCK_TIME, DEFAULT_UNSEEN_LIFETIME, DEFAULT_WHITELIST_LIFETIME);
    }

    public long blockMillis() {
        return blockMillis;
    }

    public long unseenMillis() {
        return unseenMillis;
    }

    public long whitelistMillis() {
        return whitelistMillis;
    }

    @Override
    public String toString() {
        return "block " + Duration.ofMillis(blockMillis) + ", unseen " + Duration.ofMillis(unseenMillis)
            + ", whitelist " + Duration.ofMillis(whitelistMillis);
    }
}
