package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jamesp0f.testing.RealPostgres;

class JdbcGreylistStoreTest extends GreylistStoreContract {

    @RegisterExtension
    static final RealPostgres POSTGRES = new RealPostgres();

    private static final AtomicInteger TABLES = new AtomicInteger();
    private String table;

    @Override
    GreylistStore newStore() {
        table = "greylist_" + TABLES.incrementAndGet();
        return new JdbcGreylistStore(settings(table), PERIODS, () -> T0);
    }

    @Override
    GreylistStore newStore(int autoWhitelistAfter) {
        return new JdbcGreylistStore(settings("greylist_" + TABLES.incrementAndGet()), PERIODS, autoWhitelistAfter, () -> T0);
    }

    @Test
    void aTableMadeBeforeAutoWhitelistingIsMigratedOnFirstUse() throws Exception {
        String old = "greylist_" + TABLES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(POSTGRES.url(), POSTGRES.user(), "");
             Statement statement = connection.createStatement()) {
            // The table as versions before auto-whitelisting created it, with a waiting triplet.
            statement.execute("CREATE TABLE " + old + " (client text NOT NULL, sender text NOT NULL, recipient text NOT NULL, "
                + "first_seen bigint NOT NULL, whitelisted boolean NOT NULL, expires_at bigint NOT NULL, "
                + "PRIMARY KEY (client, sender, recipient))");
            statement.execute("INSERT INTO " + old + " VALUES ('192.0.2.7', 's0@example.com', 'rcpt@example.org', "
                + T0 + ", false, " + (T0 + UNSEEN.toMillis()) + ")");
        }
        try (GreylistStore migrated = new JdbcGreylistStore(settings(old), PERIODS, 2, () -> T0)) {
            long now = at(BLOCK);
            assertThat(migrated.record(from("192.0.2.7", 0), now)).isEqualTo(GreylistDecision.PASSED);
            now = passOnce(migrated, from("192.0.2.7", 1), now);

            assertThat(migrated.record(from("192.0.2.7", 2), now + 1)).isEqualTo(GreylistDecision.PASSED_CLIENT_WHITELISTED);
        }
    }

    /**
     * Generous timeouts: the production default (1 s to get a connection) is about a mail hook not
     * waiting, while here a fresh pool's first connection on a machine loaded by parallel builds
     * once took longer, and the contract tests are about decisions, not timeouts.
     */
    private static JdbcSettings settings(String table) {
        return new JdbcSettings(POSTGRES.url(), Optional.of(POSTGRES.user()), Optional.empty(),
            JdbcSettings.DEFAULT_POOL_SIZE, table, Duration.ofSeconds(10), Duration.ofSeconds(10),
            JdbcSettings.DEFAULT_CLEANUP_INTERVAL);
    }

    @Test
    void createsItsTableAndIndexOnFirstUse() throws Exception {
        store.record(TRIPLET, T0);

        try (Connection connection = DriverManager.getConnection(POSTGRES.url(), POSTGRES.user(), "");
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                 "SELECT count(*) FROM pg_indexes WHERE tablename = '" + table + "' AND indexname = '" + table + "_expires_at'")) {
            row.next();
            assertThat(row.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void twoStoresOnOneTableShareTriplets() {
        try (GreylistStore secondMx = new JdbcGreylistStore(settings(table), PERIODS, () -> T0)) {
            store.record(TRIPLET, T0);

            assertThat(secondMx.record(TRIPLET, at(BLOCK))).isEqualTo(GreylistDecision.PASSED);
        }
    }

    @Test
    void deletesExpiredRowsOnly() {
        store.record(TRIPLET, T0);
        store.record(Triplet.of("192.0.2.9", "a@example.com", "b@example.org"), at(Duration.ofHours(3)));

        long deleted = ((JdbcGreylistStore) store).deleteExpired(at(UNSEEN));

        assertThat(deleted).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void anUnreachableDatabaseIsAStoreExceptionWithinTheTimeout() {
        JdbcSettings nowhere = JdbcSettings.forUrl("jdbc:postgresql://127.0.0.1:1/none", Optional.empty(), "t");
        try (GreylistStore broken = new JdbcGreylistStore(nowhere, PERIODS, () -> T0)) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> broken.record(TRIPLET, T0)).isInstanceOf(GreylistStoreException.class)
                .hasMessageContaining("refused");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
