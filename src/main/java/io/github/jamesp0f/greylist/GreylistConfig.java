package io.github.jamesp0f.greylist;

import static io.github.jamesp0f.config.ConfigValues.bool;
import static io.github.jamesp0f.config.ConfigValues.caseInsensitiveRegex;
import static io.github.jamesp0f.config.ConfigValues.duration;
import static io.github.jamesp0f.config.ConfigValues.text;
import static io.github.jamesp0f.config.ConfigValues.wholeNumber;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Everything P0fGreylistHandler reads from its {@code <handler>} element, parsed and validated
 * here only. A bad value is refused at startup with a message naming the element.
 * Durations must name their unit ("300s", "5m", "4h", "36d").
 */
public final class GreylistConfig {

    static final String OS = "os";
    static final String LINK_TYPE = "linkType";
    static final String DISTANCE_GREATER_THAN = "distanceGreaterThan";
    static final String GREYLIST_UNKNOWN = "greylistUnknown";
    static final String GROUP_BY_NETWORK = "groupByNetwork";
    static final String BLOCK_TIME = "blockTime";
    static final String UNSEEN_LIFETIME = "unseenLifetime";
    static final String WHITELIST_LIFETIME = "whitelistLifetime";
    static final String MAX_ENTRIES = "maxEntries";
    static final String STORE_RETRY_DELAY = "storeRetryDelay";
    static final String JDBC = "jdbc";

    public static final Duration DEFAULT_STORE_RETRY_DELAY = Duration.ofSeconds(5);
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,50}");

    private final GreylistCriteria criteria;
    private final boolean groupByNetwork;
    private final GreylistPeriods periods;
    private final int maxEntries;
    private final Duration storeRetryDelay;
    private final Optional<JdbcSettings> jdbc;

    private GreylistConfig(GreylistCriteria criteria, boolean groupByNetwork, GreylistPeriods periods, int maxEntries,
                           Duration storeRetryDelay, Optional<JdbcSettings> jdbc) {
        this.criteria = criteria;
        this.groupByNetwork = groupByNetwork;
        this.periods = periods;
        this.maxEntries = maxEntries;
        this.storeRetryDelay = storeRetryDelay;
        this.jdbc = jdbc;
    }

    public static GreylistConfig parse(Configuration config) throws ConfigurationException {
        GreylistCriteria criteria = new GreylistCriteria(
            caseInsensitiveRegex(config, OS), caseInsensitiveRegex(config, LINK_TYPE),
            wholeNumber(config, DISTANCE_GREATER_THAN, 0, 255, DISTANCE_GREATER_THAN),
            bool(config, GREYLIST_UNKNOWN, false));
        Duration block = duration(config, BLOCK_TIME, GreylistPeriods.DEFAULT_BLOCK_TIME);
        Duration unseen = duration(config, UNSEEN_LIFETIME, GreylistPeriods.DEFAULT_UNSEEN_LIFETIME);
        Duration whitelist = duration(config, WHITELIST_LIFETIME, GreylistPeriods.DEFAULT_WHITELIST_LIFETIME);
        if (unseen.compareTo(block) <= 0) {
            throw new ConfigurationException("<" + UNSEEN_LIFETIME + "> (" + unseen + ") must be longer than <"
                + BLOCK_TIME + "> (" + block + "): a retry could never pass");
        }
        if (whitelist.isZero()) {
            throw new ConfigurationException("<" + WHITELIST_LIFETIME + "> must be longer than 0");
        }
        return new GreylistConfig(criteria,
            bool(config, GROUP_BY_NETWORK, false),
            new GreylistPeriods(block, unseen, whitelist),
            wholeNumber(config, MAX_ENTRIES, 1, Integer.MAX_VALUE, MAX_ENTRIES).orElse(MemoryGreylistStore.DEFAULT_MAX_ENTRIES),
            duration(config, STORE_RETRY_DELAY, DEFAULT_STORE_RETRY_DELAY),
            jdbc(config));
    }

    private static Optional<JdbcSettings> jdbc(Configuration config) throws ConfigurationException {
        if (!config.getKeys(JDBC).hasNext()) {
            return Optional.empty();
        }
        Configuration jdbc = config.subset(JDBC);
        String url = text(jdbc, "url").orElseThrow(() -> new ConfigurationException("<jdbc><url> is required"));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigurationException("<jdbc><url> must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got "
                + url);
        }
        String table = text(jdbc, "table").orElse(JdbcSettings.DEFAULT_TABLE);
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new ConfigurationException("<jdbc><table> must be a plain SQL name (letters, digits, _; at most 51), got '"
                + table + "'");
        }
        return Optional.of(new JdbcSettings(url, text(jdbc, "user"), text(jdbc, "password"),
            wholeNumber(jdbc, "poolSize", 1, 1000, "jdbc><poolSize").orElse(JdbcSettings.DEFAULT_POOL_SIZE),
            table,
            duration(jdbc, "connectionTimeout", JdbcSettings.DEFAULT_CONNECTION_TIMEOUT, "jdbc><connectionTimeout"),
            duration(jdbc, "queryTimeout", JdbcSettings.DEFAULT_QUERY_TIMEOUT, "jdbc><queryTimeout"),
            positive(duration(jdbc, "cleanupInterval", JdbcSettings.DEFAULT_CLEANUP_INTERVAL, "jdbc><cleanupInterval"),
                "jdbc><cleanupInterval")));
    }

    private static Duration positive(Duration duration, String name) throws ConfigurationException {
        if (duration.isZero()) {
            throw new ConfigurationException("<" + name + "> must be longer than 0");
        }
        return duration;
    }

    public GreylistCriteria criteria() {
        return criteria;
    }

    public boolean groupByNetwork() {
        return groupByNetwork;
    }

    public GreylistPeriods periods() {
        return periods;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public Duration storeRetryDelay() {
        return storeRetryDelay;
    }

    /** Present when the shared PostgreSQL store is configured; the memory store otherwise. */
    public Optional<JdbcSettings> jdbc() {
        return jdbc;
    }

    @Override
    public String toString() {
        return criteria + "; " + periods + "; " + (groupByNetwork ? "by network" : "by address") + "; store "
            + jdbc.map(JdbcSettings::toString).orElse("memory, at most " + maxEntries + " entries");
    }
}
