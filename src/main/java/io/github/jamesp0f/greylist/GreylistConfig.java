package io.github.jamesp0f.greylist;

import static io.github.jamesp0f.config.ConfigValues.bool;
import static io.github.jamesp0f.config.ConfigValues.caseInsensitiveRegex;
import static io.github.jamesp0f.config.ConfigValues.duration;
import static io.github.jamesp0f.config.ConfigValues.text;
import static io.github.jamesp0f.config.ConfigValues.wholeNumber;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import io.github.jamesp0f.smtp.P0fHandlerConfig.FileResolver;

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
    static final String KEY_BY = "keyBy";
    static final String AUTO_WHITELIST_AFTER = "autoWhitelistAfter";
    static final String EXEMPT_HOSTNAMES = "exemptHostnames";
    static final String EXEMPT_HOSTNAMES_FILE = "exemptHostnamesFile";
    static final String DNS_TIMEOUT = "dnsTimeout";
    static final String DNS_CACHE_LIFETIME = "dnsCacheLifetime";
    /** {@code <exemptHostnamesFile>} values: the jar's list (the default), or no file at all. */
    static final String BUILT_IN = "default";
    static final String NO_FILE = "none";

    public static final int DEFAULT_AUTO_WHITELIST_AFTER = 5;
    public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_DNS_CACHE_LIFETIME = Duration.ofHours(1);

    public static final Duration DEFAULT_STORE_RETRY_DELAY = Duration.ofSeconds(5);
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,50}");

    private final GreylistCriteria criteria;
    private final boolean groupByNetwork;
    private final GreylistPeriods periods;
    private final int maxEntries;
    private final Duration storeRetryDelay;
    private final Optional<JdbcSettings> jdbc;
    private final KeyBy keyBy;
    private final int autoWhitelistAfter;
    private final HostnamePatterns exemptHostnames;
    private final Duration dnsTimeout;
    private final Duration dnsCacheLifetime;

    private GreylistConfig(GreylistCriteria criteria, KeyBy keyBy, GreylistPeriods periods, int maxEntries,
                           Duration storeRetryDelay, Optional<JdbcSettings> jdbc, int autoWhitelistAfter,
                           HostnamePatterns exemptHostnames, Duration dnsTimeout, Duration dnsCacheLifetime) {
        this.criteria = criteria;
        this.groupByNetwork = keyBy == KeyBy.NETWORK;
        this.keyBy = keyBy;
        this.periods = periods;
        this.maxEntries = maxEntries;
        this.storeRetryDelay = storeRetryDelay;
        this.jdbc = jdbc;
        this.autoWhitelistAfter = autoWhitelistAfter;
        this.exemptHostnames = exemptHostnames;
        this.dnsTimeout = dnsTimeout;
        this.dnsCacheLifetime = dnsCacheLifetime;
    }

    /** Files named in the configuration are read as plain paths. */
    public static GreylistConfig parse(Configuration config) throws ConfigurationException {
        return parse(config, File::new);
    }

    /** {@code files}: resolves {@code <exemptHostnamesFile>} (James's FileSystem: file://conf/...). */
    public static GreylistConfig parse(Configuration config, FileResolver files) throws ConfigurationException {
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
        Duration dnsTimeout = duration(config, DNS_TIMEOUT, DEFAULT_DNS_TIMEOUT);
        if (dnsTimeout.isZero() || dnsTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigurationException("<" + DNS_TIMEOUT + "> must be between 1ms and 1m, got " + dnsTimeout);
        }
        return new GreylistConfig(criteria,
            keyBy(config),
            new GreylistPeriods(block, unseen, whitelist),
            wholeNumber(config, MAX_ENTRIES, 1, Integer.MAX_VALUE, MAX_ENTRIES).orElse(MemoryGreylistStore.DEFAULT_MAX_ENTRIES),
            duration(config, STORE_RETRY_DELAY, DEFAULT_STORE_RETRY_DELAY),
            jdbc(config),
            wholeNumber(config, AUTO_WHITELIST_AFTER, 0, 1_000_000, AUTO_WHITELIST_AFTER).orElse(DEFAULT_AUTO_WHITELIST_AFTER),
            exemptHostnames(config, files),
            dnsTimeout,
            positive(duration(config, DNS_CACHE_LIFETIME, DEFAULT_DNS_CACHE_LIFETIME), DNS_CACHE_LIFETIME));
    }

    /** {@code <groupByNetwork>true} (the older setting) still means keyBy network. */
    private static KeyBy keyBy(Configuration config) throws ConfigurationException {
        boolean groupByNetwork = bool(config, GROUP_BY_NETWORK, false);
        Optional<String> keyBy = text(config, KEY_BY);
        if (keyBy.isEmpty()) {
            return groupByNetwork ? KeyBy.NETWORK : KeyBy.ADDRESS;
        }
        KeyBy parsed = KeyBy.parse(KEY_BY, keyBy.get());
        if (groupByNetwork && parsed != KeyBy.NETWORK) {
            throw new ConfigurationException("<" + GROUP_BY_NETWORK + "> true contradicts <" + KEY_BY + "> " + parsed
                + ": keep <" + KEY_BY + "> only");
        }
        return parsed;
    }

    /** The file's list (the jar's by default) plus the inline entries. */
    private static HostnamePatterns exemptHostnames(Configuration config, FileResolver files) throws ConfigurationException {
        String fileName = text(config, EXEMPT_HOSTNAMES_FILE).orElse(BUILT_IN);
        HostnamePatterns patterns;
        if (fileName.equalsIgnoreCase(BUILT_IN)) {
            patterns = HostnamePatterns.defaults();
        } else if (fileName.equalsIgnoreCase(NO_FILE)) {
            patterns = HostnamePatterns.none();
        } else {
            patterns = HostnamePatterns.parse("<" + EXEMPT_HOSTNAMES_FILE + "> " + fileName, read(fileName, files));
        }
        Optional<String> inline = text(config, EXEMPT_HOSTNAMES);
        return inline.isPresent()
            ? patterns.plus(HostnamePatterns.parse("<" + EXEMPT_HOSTNAMES + ">", inline.get()))
            : patterns;
    }

    private static String read(String name, FileResolver files) throws ConfigurationException {
        try {
            return new String(Files.readAllBytes(files.resolve(name).toPath()), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("<" + EXEMPT_HOSTNAMES_FILE + "> cannot be read: " + name + " (" + e + ")", e);
        }
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

    public KeyBy keyBy() {
        return keyBy;
    }

    /** Passes that whitelist a client (its key); 0: auto-whitelisting is off. */
    public int autoWhitelistAfter() {
        return autoWhitelistAfter;
    }

    public HostnamePatterns exemptHostnames() {
        return exemptHostnames;
    }

    /** Whether clients about to be greylisted need their FCrDNS name: to exempt them, or to key them. */
    public boolean needsReverseDns() {
        return !exemptHostnames.isEmpty() || keyBy == KeyBy.HOSTNAME;
    }

    public Duration dnsTimeout() {
        return dnsTimeout;
    }

    public Duration dnsCacheLifetime() {
        return dnsCacheLifetime;
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
        return criteria + "; " + periods + "; key by " + keyBy + "; auto-whitelist after "
            + (autoWhitelistAfter == 0 ? "(off)" : autoWhitelistAfter + " passes") + "; " + exemptHostnames
            + (needsReverseDns() ? " (FCrDNS timeout " + dnsTimeout + ", cached " + dnsCacheLifetime + ")" : "") + "; store "
            + jdbc.map(JdbcSettings::toString).orElse("memory, at most " + maxEntries + " entries");
    }
}
