package io.github.jamesp0f.greylist;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A store in PostgreSQL, shared by every MX host pointed at the same table, so that a sender
 * retrying through another MX is recognised.
 *
 * <p>Each decision is one statement in autocommit: an INSERT ... ON CONFLICT DO UPDATE whose SET
 * clauses apply the greylisting rules to the old row and whose RETURNING clause gives the verdict
 * (an early retry updates nothing and returns no row). One round trip, atomic under concurrency (two MX hosts racing on one triplet see a consistent
 * row), no transaction held across the network.
 *
 * <p>The table (and an index on the expiry time) is created on first use with CREATE ... IF NOT
 * EXISTS, retried on the next decision if that fails. Expired rows are deleted by a background
 * thread in bounded batches through that index, never on the RCPT path. Every wait is bounded:
 * connection checkout, connect, socket and statement timeouts.
 */
public final class JdbcGreylistStore implements GreylistStore {

    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcGreylistStore.class);
    private static final int DELETE_BATCH = 10_000;

    private final HikariDataSource dataSource;
    private final GreylistPeriods periods;
    private final int queryTimeoutSeconds;
    private final String upsertSql;
    private final String deleteExpiredSql;
    private final String countSql;
    private final String[] createSql;
    private final ScheduledExecutorService cleaner;
    private volatile boolean tableReady;

    /**
     * Opens the pool (without connecting: the database may come up later) and schedules the cleanup.
     * {@code clock} gives epoch milliseconds for the cleanup's notion of "expired".
     */
    public JdbcGreylistStore(JdbcSettings settings, GreylistPeriods periods, LongSupplier clock) {
        this.periods = periods;
        this.queryTimeoutSeconds = (int) Math.max(1, settings.queryTimeout().toSeconds());
        this.dataSource = new HikariDataSource(hikari(settings));
        String table = settings.table();
        this.createSql = new String[] {
            "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "client text NOT NULL, sender text NOT NULL, recipient text NOT NULL, "
                + "first_seen bigint NOT NULL, whitelisted boolean NOT NULL, expires_at bigint NOT NULL, "
                + "PRIMARY KEY (client, sender, recipient))",
            "CREATE INDEX IF NOT EXISTS " + table + "_expires_at ON " + table + " (expires_at)"
        };
        // Parameters: client, sender, recipient, now, now + unseen, then now - block (three times) and
        // now + whitelist. In SET and WHERE, g.* is the old row and EXCLUDED.first_seen is now; the old
        // row is live while it expires after now. An early retry matches no WHERE, so nothing is
        // written (no dead row per spam retry) and no row comes back: that absence is the verdict.
        this.upsertSql = "INSERT INTO " + table + " AS g (client, sender, recipient, first_seen, whitelisted, expires_at) "
            + "VALUES (?, ?, ?, ?, false, ?) "
            + "ON CONFLICT (client, sender, recipient) DO UPDATE SET "
            + "whitelisted = (g.expires_at > EXCLUDED.first_seen AND (g.whitelisted OR g.first_seen <= ?)), "
            + "first_seen = CASE WHEN g.expires_at > EXCLUDED.first_seen THEN g.first_seen ELSE EXCLUDED.first_seen END, "
            + "expires_at = CASE WHEN g.expires_at <= EXCLUDED.first_seen THEN EXCLUDED.expires_at "
            + "WHEN g.whitelisted OR g.first_seen <= ? THEN ? ELSE g.expires_at END "
            + "WHERE g.expires_at <= EXCLUDED.first_seen OR g.whitelisted OR g.first_seen <= ? "
            + "RETURNING whitelisted";
        this.deleteExpiredSql = "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table
            + " WHERE expires_at <= ? LIMIT " + DELETE_BATCH + ")";
        this.countSql = "SELECT count(*) FROM " + table;
        this.cleaner = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "p0f-greylist-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.cleanupInterval().toMillis();
        cleaner.scheduleWithFixedDelay(() -> cleanupQuietly(clock.getAsLong()), every, every, TimeUnit.MILLISECONDS);
    }

    private static HikariConfig hikari(JdbcSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("p0f-greylist");
        config.setJdbcUrl(settings.url());
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
        config.setValidationTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
        // Start even while the database is down: the store fails open until it is back.
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        long connectSeconds = Math.max(1, settings.connectionTimeout().toSeconds());
        config.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
        config.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(1, settings.queryTimeout().toSeconds()) + 5));
        config.addDataSourceProperty("ApplicationName", "james-p0f greylist");
        return config;
    }

    @Override
    public GreylistDecision record(Triplet triplet, long nowMillis) {
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            try (PreparedStatement upsert = connection.prepareStatement(upsertSql)) {
                upsert.setQueryTimeout(queryTimeoutSeconds);
                long passFrom = nowMillis - periods.blockMillis();
                upsert.setString(1, triplet.client());
                upsert.setString(2, triplet.sender());
                upsert.setString(3, triplet.recipient());
                upsert.setLong(4, nowMillis);
                upsert.setLong(5, nowMillis + periods.unseenMillis());
                upsert.setLong(6, passFrom);
                upsert.setLong(7, passFrom);
                upsert.setLong(8, nowMillis + periods.whitelistMillis());
                upsert.setLong(9, passFrom);
                try (ResultSet row = upsert.executeQuery()) {
                    if (!row.next()) {
                        return GreylistDecision.DEFERRED_EARLY;
                    }
                    return row.getBoolean(1) ? GreylistDecision.PASSED : GreylistDecision.DEFERRED_NEW;
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw new GreylistStoreException("greylist database: " + e.getMessage(), e);
        }
    }

    private void ensureTable(Connection connection) throws SQLException {
        if (tableReady) {
            return;
        }
        synchronized (this) {
            if (tableReady) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                for (String sql : createSql) {
                    statement.execute(sql);
                }
            }
            tableReady = true;
        }
    }

    /**
     * Deletes rows expired at {@code nowMillis}, in batches, and returns how many. Runs in the
     * background; public for tests and for administrators' tooling.
     */
    public long deleteExpired(long nowMillis) {
        long deleted = 0;
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            try (PreparedStatement delete = connection.prepareStatement(deleteExpiredSql)) {
                delete.setQueryTimeout(Math.max(queryTimeoutSeconds, 30));
                delete.setLong(1, nowMillis);
                int batch;
                do {
                    batch = delete.executeUpdate();
                    deleted += batch;
                } while (batch == DELETE_BATCH);
            }
        } catch (SQLException e) {
            throw new GreylistStoreException("greylist database cleanup: " + e.getMessage(), e);
        }
        return deleted;
    }

    private void cleanupQuietly(long nowMillis) {
        try {
            long deleted = deleteExpired(nowMillis);
            LOGGER.debug("Deleted {} expired greylist rows", deleted);
        } catch (RuntimeException e) {
            // The RCPT path logs the database's state changes; the cleanup just tries again later.
            LOGGER.debug("Greylist cleanup failed, will retry: {}", e.getMessage());
        }
    }

    @Override
    public long size() {
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery(countSql)) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new GreylistStoreException("greylist database: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
        dataSource.close();
    }
}
