package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules every {@link GreylistStore} follows, run against each store. */
abstract class GreylistStoreContract {

    static final Duration BLOCK = Duration.ofMinutes(5);
    static final Duration UNSEEN = Duration.ofHours(4);
    static final Duration WHITELIST = Duration.ofDays(36);
    static final GreylistPeriods PERIODS = new GreylistPeriods(BLOCK, UNSEEN, WHITELIST);
    static final long T0 = 1_800_000_000_000L;

    static final Triplet TRIPLET = Triplet.of("192.0.2.7", "sender@example.com", "rcpt@example.org");

    GreylistStore store;

    /** A new, empty store with {@link #PERIODS}. */
    abstract GreylistStore newStore() throws Exception;

    /** A new, empty store with {@link #PERIODS} that whitelists a client after that many passes. */
    abstract GreylistStore newStore(int autoWhitelistAfter) throws Exception;

    static final int AUTO_AFTER = 3;

    /** Triplet number {@code i} of {@code client}: a new sender each time. */
    static Triplet from(String client, int i) {
        return Triplet.of(client, "s" + i + "@example.com", "rcpt@example.org");
    }

    /** Makes {@code triplet} pass greylisting once (first attempt at {@code start}, retry after the block time). */
    static long passOnce(GreylistStore store, Triplet triplet, long start) {
        assertThat(store.record(triplet, start)).isEqualTo(GreylistDecision.DEFERRED_NEW);
        long retry = start + BLOCK.toMillis();
        assertThat(store.record(triplet, retry)).isEqualTo(GreylistDecision.PASSED);
        return retry;
    }

    @Test
    void theRetryThatPassesCarriesItsDelayLaterUsesNone() {
        store.record(TRIPLET, T0);
        assertThat(store.decide(TRIPLET, at(BLOCK.plusSeconds(7))).delayMillis()).isEqualTo(BLOCK.plusSeconds(7).toMillis());

        GreylistVerdict later = store.decide(TRIPLET, at(BLOCK.plusSeconds(8)));
        assertThat(later.decision()).isEqualTo(GreylistDecision.PASSED);
        assertThat(later.delayMillis()).isZero();
    }

    @Test
    void aClientIsWhitelistedAfterNPasses() throws Exception {
        try (GreylistStore auto = newStore(AUTO_AFTER)) {
            long now = T0;
            for (int i = 0; i < AUTO_AFTER; i++) {
                now = passOnce(auto, from("192.0.2.7", i), now);
            }

            assertThat(auto.record(from("192.0.2.7", 99), now + 1)).isEqualTo(GreylistDecision.PASSED_CLIENT_WHITELISTED);
            assertThat(auto.record(from("192.0.2.8", 99), now + 1)).isEqualTo(GreylistDecision.DEFERRED_NEW);
        }
    }

    @Test
    void fewerPassesThanNDoNotWhitelistTheClient() throws Exception {
        try (GreylistStore auto = newStore(AUTO_AFTER)) {
            long now = T0;
            for (int i = 0; i < AUTO_AFTER - 1; i++) {
                now = passOnce(auto, from("192.0.2.7", i), now);
            }

            assertThat(auto.record(from("192.0.2.7", 99), now + 1)).isEqualTo(GreylistDecision.DEFERRED_NEW);
        }
    }

    @Test
    void usesOfAWhitelistedTripletAreNotPasses() throws Exception {
        try (GreylistStore auto = newStore(AUTO_AFTER)) {
            long now = passOnce(auto, from("192.0.2.7", 0), T0);
            for (int i = 1; i <= AUTO_AFTER; i++) {
                assertThat(auto.record(from("192.0.2.7", 0), now + i)).isEqualTo(GreylistDecision.PASSED);
            }

            assertThat(auto.record(from("192.0.2.7", 99), now + 10)).isEqualTo(GreylistDecision.DEFERRED_NEW);
        }
    }

    @Test
    void aWhitelistedClientExpiresAfterTheWhitelistLifetimeUnused() throws Exception {
        try (GreylistStore auto = newStore(AUTO_AFTER)) {
            long now = T0;
            for (int i = 0; i < AUTO_AFTER; i++) {
                now = passOnce(auto, from("192.0.2.7", i), now);
            }
            long lastUse = now + WHITELIST.toMillis() - 1;
            assertThat(auto.record(from("192.0.2.7", 50), lastUse)).isEqualTo(GreylistDecision.PASSED_CLIENT_WHITELISTED);

            // Each use renews it: still whitelisted just before lastUse + lifetime, gone at it.
            assertThat(auto.record(from("192.0.2.7", 51), lastUse + WHITELIST.toMillis() - 1))
                .isEqualTo(GreylistDecision.PASSED_CLIENT_WHITELISTED);
            long unused = lastUse + WHITELIST.toMillis() - 1 + WHITELIST.toMillis();
            assertThat(auto.record(from("192.0.2.7", 52), unused)).isEqualTo(GreylistDecision.DEFERRED_NEW);
        }
    }

    @Test
    void passesCountedLongAgoAreForgotten() throws Exception {
        try (GreylistStore auto = newStore(AUTO_AFTER)) {
            long now = T0;
            for (int i = 0; i < AUTO_AFTER - 1; i++) {
                now = passOnce(auto, from("192.0.2.7", i), now);
            }
            now = passOnce(auto, from("192.0.2.7", 10), now + WHITELIST.toMillis());

            assertThat(auto.record(from("192.0.2.7", 99), now + 1)).isEqualTo(GreylistDecision.DEFERRED_NEW);
        }
    }

    @Test
    void withAutoWhitelistingOffNoClientIsWhitelisted() throws Exception {
        long now = T0;
        for (int i = 0; i < 10; i++) {
            now = passOnce(store, from("192.0.2.7", i), now);
        }

        assertThat(store.record(from("192.0.2.7", 99), now + 1)).isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @BeforeEach
    void createStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static long at(Duration sinceT0) {
        return T0 + sinceT0.toMillis();
    }

    @Test
    void firstAttemptIsDeferred() {
        assertThat(store.record(TRIPLET, T0)).isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @Test
    void retryBeforeTheBlockTimeIsDeferredAgain() {
        store.record(TRIPLET, T0);

        assertThat(store.record(TRIPLET, at(BLOCK.minusMillis(1)))).isEqualTo(GreylistDecision.DEFERRED_EARLY);
    }

    @Test
    void retryExactlyAtTheBlockTimePasses() {
        store.record(TRIPLET, T0);

        assertThat(store.record(TRIPLET, at(BLOCK))).isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void earlyRetriesDoNotPostponeTheBlockTime() {
        store.record(TRIPLET, T0);
        store.record(TRIPLET, at(Duration.ofMinutes(2)));
        store.record(TRIPLET, at(Duration.ofMinutes(4)));

        assertThat(store.record(TRIPLET, at(BLOCK))).isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void whitelistedTripletKeepsPassing() {
        store.record(TRIPLET, T0);
        store.record(TRIPLET, at(BLOCK));

        assertThat(store.record(TRIPLET, at(BLOCK.plusSeconds(1)))).isEqualTo(GreylistDecision.PASSED);
        assertThat(store.record(TRIPLET, at(Duration.ofDays(10)))).isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void unseenTripletExpiresAfterTheUnseenLifetime() {
        store.record(TRIPLET, T0);

        assertThat(store.record(TRIPLET, at(UNSEEN))).isEqualTo(GreylistDecision.DEFERRED_NEW);
        assertThat(store.record(TRIPLET, at(UNSEEN.plus(BLOCK).minusMillis(1)))).isEqualTo(GreylistDecision.DEFERRED_EARLY);
        assertThat(store.record(TRIPLET, at(UNSEEN.plus(BLOCK)))).isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void retryJustBeforeTheUnseenLifetimePasses() {
        store.record(TRIPLET, T0);

        assertThat(store.record(TRIPLET, at(UNSEEN.minusMillis(1)))).isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void whitelistExpiresAfterItsLifetimeWithoutUse() {
        store.record(TRIPLET, T0);
        store.record(TRIPLET, at(BLOCK));

        assertThat(store.record(TRIPLET, at(BLOCK.plus(WHITELIST)))).isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @Test
    void everyUseRenewsTheWhitelist() {
        store.record(TRIPLET, T0);
        store.record(TRIPLET, at(BLOCK));
        Duration nearlyExpired = BLOCK.plus(WHITELIST).minusMinutes(1);
        store.record(TRIPLET, at(nearlyExpired));

        assertThat(store.record(TRIPLET, at(nearlyExpired.plus(WHITELIST).minusMillis(1))))
            .isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void tripletsAreIndependent() {
        store.record(TRIPLET, T0);
        store.record(TRIPLET, at(BLOCK));

        assertThat(store.record(Triplet.of("192.0.2.8", "sender@example.com", "rcpt@example.org"), at(BLOCK)))
            .isEqualTo(GreylistDecision.DEFERRED_NEW);
        assertThat(store.record(Triplet.of("192.0.2.7", "other@example.com", "rcpt@example.org"), at(BLOCK)))
            .isEqualTo(GreylistDecision.DEFERRED_NEW);
        assertThat(store.record(Triplet.of("192.0.2.7", "sender@example.com", "other@example.org"), at(BLOCK)))
            .isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @Test
    void partsDoNotRunIntoEachOther() {
        store.record(Triplet.of("192.0.2.7", "ab", "c"), T0);

        assertThat(store.record(Triplet.of("192.0.2.7", "a", "bc"), at(BLOCK))).isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @Test
    void nullSenderIsATripletLikeAnyOther() {
        Triplet bounce = Triplet.of("192.0.2.7", "", "rcpt@example.org");
        store.record(bounce, T0);

        assertThat(store.record(bounce, at(BLOCK))).isEqualTo(GreylistDecision.PASSED);
    }

    @Test
    void concurrentFirstAttemptsAreAllDeferredAndOnlyOneIsNew() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<GreylistDecision>> attempts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                long now = T0 + 1 + i;
                attempts.add(() -> store.record(TRIPLET, now));
            }
            List<GreylistDecision> decisions = new ArrayList<>();
            for (Future<GreylistDecision> decision : pool.invokeAll(attempts)) {
                decisions.add(decision.get());
            }

            assertThat(decisions).doesNotContain(GreylistDecision.PASSED);
            assertThat(decisions).filteredOn(decision -> decision == GreylistDecision.DEFERRED_NEW).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
