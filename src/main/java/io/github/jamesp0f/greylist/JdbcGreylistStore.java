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
 * EXISTS, retried on the next decision if that fails; so is the migration of a table made by an
 * older version (ALTER TABLE ... ADD COLUMN IF NOT EXISTS passed_at) and the table of
 * auto-whitelisted clients ({@code <table>_clients}). With auto-whitelisting a decision costs one
 * more statement (is the client whitelisted?) and a third one when a triplet passes (count it). Expired rows are deleted by a background
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
    private final int autoWhitelistAfter;
    private final String clientWhitelistedSql;
    private final String countPassSql;
    private final String deleteExpiredClientsSql;
    private final ScheduledExecutorService cleaner;
    private volatile boolean tableReady;

    /**
     * Opens the pool (without connecting: the database may come up later) and schedules the cleanup.
     * {@code clock} gives epoch milliseconds for the cleanup's notion of "expired".
     */
    public JdbcGreylistStore(JdbcSettings settings, GreylistPeriods periods, LongSupplier clock) {
        this(settings, periods, 0, clock);
    }

    /** {@code autoWhitelistAfter}: passes that whitelist a client; 0 turns auto-whitelisting off. */
    public JdbcGreylistStore(JdbcSettings settings, GreylistPeriods periods, int autoWhitelistAfter, LongSupplier clock) {
        this.periods = periods;
        this.autoWhitelistAfter = autoWhitelistAfter;
        this.queryTimeoutSeconds = (int) Math.max(1, settings.queryTimeout().toSeconds());
        this.dataSource = new HikariDataSource(hikari(settings));
        String table = settings.table();
        this.createSql = new String[] {
            "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "client text NOT NULL, sender text NOT NULL, recipient text NOT NULL, "
                + "first_seen bigint NOT NULL, whitelisted boolean NOT NULL, expires_at bigint NOT NULL, "
                + "PRIMARY KEY (client, sender, recipient))",
            "CREATE INDEX IF NOT EXISTS " + table + "_expires_at ON " + table + " (expires_at)",
            // Tables made before auto-whitelisting lack the column that tells a first pass.
            "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS passed_at bigint",
            "CREATE TABLE IF NOT EXISTS " + table + "_clients ("
                + "client text PRIMARY KEY, passes integer NOT NULL, expires_at bigint NOT NULL)",
            "CREATE INDEX IF NOT EXISTS " + table + "_clients_exp ON " + table + "_clients (expires_at)"
        };
        // Parameters: now + whitelist, client, autoWhitelistAfter, now.
        this.clientWhitelistedSql = "UPDATE " + table + "_clients SET expires_at = ? "
            + "WHERE client = ? AND passes >= ? AND expires_at > ?";
        // Parameters: client, now + whitelist, now. A count that expired starts again at 1.
        this.countPassSql = "INSERT INTO " + table + "_clients AS c (client, passes, expires_at) VALUES (?, 1, ?) "
            + "ON CONFLICT (client) DO UPDATE SET passes = CASE WHEN c.expires_at > ? THEN c.passes + 1 ELSE 1 END, "
            + "expires_at = EXCLUDED.expires_at";
        this.deleteExpiredClientsSql = "DELETE FROM " + table + "_clients WHERE ctid IN (SELECT ctid FROM " + table
            + "_clients WHERE expires_at <= ? LIMIT " + DELETE_BATCH + ")";
        // Parameters: client, sender, recipient, now, now + unseen, then now - block (three times) and
        // now + whitelist, then now - block once more for passed_at. In SET and WHERE, g.* is the old row and EXCLUDED.first_seen is now; the old
        // row is live while it expires after now. An early retry matches no WHERE, so nothing is
        // written (no dead row per spam retry) and no row comes back: that absence is the verdict.
        this.upsertSql = "INSERT INTO " + table + " AS g (client, sender, recipient, first_seen, whitelisted, expires_at) "
            + "VALUES (?, ?, ?, ?, false, ?) "
            + "ON CONFLICT (client, sender, recipient) DO UPDATE SET "
            + "whitelisted = (g.expires_at > EXCLUDED.first_seen AND (g.whitelisted OR g.first_seen <= ?)), "
            + "first_seen = CASE WHEN g.expires_at > EXCLUDED.first_seen THEN g.first_seen ELSE EXCLUDED.first_seen END, "
            + "expires_at = CASE WHEN g.expires_at <= EXCLUDED.first_seen THEN EXCLUDED.expires_at "
            + "WHEN g.whitelisted OR g.first_seen <= ? THEN ? ELSE g.expires_at END, "
            // A first pass (a live waiting row that passes now) stamps passed_at = now: auto-whitelisting counts it.
            + "passed_at = CASE WHEN g.expires_at > EXCLUDED.first_seen AND NOT g.whitelisted AND g.first_seen <= ? "
            + "THEN EXCLUDED.first_seen ELSE g.passed_at END "
            + "WHERE g.expires_at <= EXCLUDED.first_seen OR g.whitelisted OR g.first_seen <= ? "
            + "RETURNING whitelisted, passed_at, first_seen";
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
    public GreylistVerdict decide(Triplet triplet, long nowMillis) {
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            if (autoWhitelistAfter > 0 && clientWhitelisted(connection, triplet.client(), nowMillis)) {
                return GreylistVerdict.of(GreylistDecision.PASSED_CLIENT_WHITELISTED);
            }
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
                upsert.setLong(10, passFrom);
                boolean firstPass;
                long firstSeen;
                try (ResultSet row = upsert.executeQuery()) {
                    if (!row.next()) {
                        return GreylistVerdict.of(GreylistDecision.DEFERRED_EARLY);
                    }
                    if (!row.getBoolean(1)) {
                        return GreylistVerdict.of(GreylistDecision.DEFERRED_NEW);
                    }
                    long passedAt = row.getLong(2);
                    firstPass = !row.wasNull() && passedAt == nowMillis;
                    firstSeen = row.getLong(3);
                }
                if (!firstPass) {
                    return GreylistVerdict.of(GreylistDecision.PASSED);
                }
                if (autoWhitelistAfter > 0) {
                    countPass(connection, triplet.client(), nowMillis);
                }
                return GreylistVerdict.passedAfter(nowMillis - firstSeen);
            }
        } catch (SQLException | RuntimeException e) {
            throw failure("greylist database", e);
        }
    }

    private boolean clientWhitelisted(Connection connection, String client, long nowMillis) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(clientWhitelistedSql)) {
            update.setQueryTimeout(queryTimeoutSeconds);
            update.setLong(1, nowMillis + periods.whitelistMillis());
            update.setString(2, client);
            update.setInt(3, autoWhitelistAfter);
            update.setLong(4, nowMillis);
            return update.executeUpdate() > 0;
        }
    }

    private void countPass(Connection connection, String client, long nowMillis) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(countPassSql)) {
            upsert.setQueryTimeout(queryTimeoutSeconds);
            upsert.setString(1, client);
            upsert.setLong(2, nowMillis + periods.whitelistMillis());
            upsert.setLong(3, nowMillis);
            upsert.executeUpdate();
        }
    }

    /** The pool's "connection is not available" says little: add the cause it keeps (refused, auth, ...). */
    private static GreylistStoreException failure(String what, Exception e) {
        StringBuilder message = new StringBuilder(what).append(": ").append(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            message.append(" (").append(root.getMessage()).append(')');
        }
        return new GreylistStoreException(message.toString(), e);
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
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            return deleteInBatches(connection, deleteExpiredSql, nowMillis)
                + deleteInBatches(connection, deleteExpiredClientsSql, nowMillis);
        } catch (SQLException e) {
            throw failure("greylist database cleanup", e);
        }
    }

    /** Runs {@code sql} (a DELETE of at most DELETE_BATCH expired rows) until a batch comes back short. */
    private long deleteInBatches(Connection connection, String sql, long nowMillis) throws SQLException {
        long deleted = 0;
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setQueryTimeout(Math.max(queryTimeoutSeconds, 30));
            delete.setLong(1, nowMillis);
            int batch;
            do {
                batch = delete.executeUpdate();
                deleted += batch;
            } while (batch == DELETE_BATCH);
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
            throw failure("greylist database", e);
        }
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
        dataSource.close();
    }
}
