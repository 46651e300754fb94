package io.github.jamesp0f.greylist;

import java.time.Duration;
import java.util.Optional;

/** Connection settings of the shared store: the {@code <jdbc>} element, validated by {@link GreylistConfig}. */
public final class JdbcSettings {

    public static final int DEFAULT_POOL_SIZE = 8;
    public static final String DEFAULT_TABLE = "p0f_greylist";
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(10);

    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final int poolSize;
    private final String table;
    private final Duration connectionTimeout;
    private final Duration queryTimeout;
    private final Duration cleanupInterval;

    public JdbcSettings(String url, Optional<String> user, Optional<String> password, int poolSize, String table,
                        Duration connectionTimeout, Duration queryTimeout, Duration cleanupInterval) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.poolSize = poolSize;
        this.table = table;
        this.connectionTimeout = connectionTimeout;
        this.queryTimeout = queryTimeout;
        this.cleanupInterval = cleanupInterval;
    }

    /** Defaults for everything but the URL (tests, benchmarks). */
    public static JdbcSettings forUrl(String url, Optional<String> user, String table) {
        return new JdbcSettings(url, user, Optional.empty(), DEFAULT_POOL_SIZE, table,
            DEFAULT_CONNECTION_TIMEOUT, DEFAULT_QUERY_TIMEOUT, DEFAULT_CLEANUP_INTERVAL);
    }

    public JdbcSettings withPoolSize(int newPoolSize) {
        return new JdbcSettings(url, user, password, newPoolSize, table, connectionTimeout, queryTimeout, cleanupInterval);
    }

    public String url() {
        return url;
    }

    public Optional<String> user() {
        return user;
    }

    public Optional<String> password() {
        return password;
    }

    public int poolSize() {
        return poolSize;
    }

    public String table() {
        return table;
    }

    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    public Duration cleanupInterval() {
        return cleanupInterval;
    }

    /** Never the password. */
    @Override
    public String toString() {
        return url + " table " + table + " pool " + poolSize;
    }
}
