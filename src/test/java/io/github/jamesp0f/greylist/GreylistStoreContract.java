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
