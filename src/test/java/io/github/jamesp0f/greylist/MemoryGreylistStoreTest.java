package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class MemoryGreylistStoreTest extends GreylistStoreContract {

    @Override
    GreylistStore newStore() {
        return new MemoryGreylistStore(PERIODS, 1000);
    }

    @Override
    GreylistStore newStore(int autoWhitelistAfter) {
        return new MemoryGreylistStore(PERIODS, 1000, autoWhitelistAfter);
    }

    private static Triplet numbered(int i) {
        return Triplet.of("192.0.2.7", "s" + i + "@example.com", "rcpt@example.org");
    }

    @Test
    void neverHoldsMoreThanItsBound() {
        GreylistStore small = new MemoryGreylistStore(PERIODS, 10);
        for (int i = 0; i < 100; i++) {
            small.record(numbered(i), T0 + i);
        }

        assertThat(small.size()).isEqualTo(10);
        assertThat(small.record(numbered(99), at(BLOCK.plusSeconds(1)))).isEqualTo(GreylistDecision.PASSED);
        assertThat(small.record(numbered(0), at(BLOCK.plusSeconds(1)))).isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @Test
    void evictsTheEntryClosestToExpiryFirst() {
        GreylistStore small = new MemoryGreylistStore(PERIODS, 2);
        small.record(numbered(1), T0);
        small.record(numbered(1), at(BLOCK));                      // whitelisted for 36 days
        small.record(numbered(2), at(BLOCK));                      // waiting, expires in 4 hours
        small.record(numbered(3), at(BLOCK.plusSeconds(1)));       // over the bound: numbered(2) goes

        assertThat(small.record(numbered(1), at(Duration.ofHours(1)))).isEqualTo(GreylistDecision.PASSED);
        assertThat(small.record(numbered(2), at(Duration.ofHours(1)))).isEqualTo(GreylistDecision.DEFERRED_NEW);
    }

    @Test
    void expiredEntriesAreRemovedAsNewOnesArrive() {
        for (int i = 0; i < 100; i++) {
            store.record(numbered(i), T0);
        }
        long later = at(UNSEEN.plusSeconds(1));
        for (int i = 100; i < 200; i++) {
            store.record(numbered(i), later);
        }

        assertThat(store.size()).isEqualTo(100);
    }

    @Test
    void refusesAZeroBound() {
        assertThatThrownBy(() -> new MemoryGreylistStore(PERIODS, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
