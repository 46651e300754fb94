package io.github.jamesp0f.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-address cache, with an injected clock and a scripted lookup. */
class ReverseNameCacheTest {

    private static final long LIFETIME = 3_600_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicInteger failures = new AtomicInteger();
    private final List<CompletableFuture<ReverseName>> started = new ArrayList<>();
    private final ReverseNameCache cache = new ReverseNameCache(address -> {
        CompletableFuture<ReverseName> lookup = new CompletableFuture<>();
        started.add(lookup);
        return lookup;
    }, now::get, LIFETIME, 2, failures::incrementAndGet);

    @Test
    void aResultIsKeptForTheLifetime() throws Exception {
        cache.get(address(1));
        started.get(0).complete(ReverseName.confirmed("mx.example."));
        now.addAndGet(LIFETIME - 1);

        assertThat(cache.get(address(1)).get().confirmedName()).contains("mx.example");
        assertThat(started).hasSize(1);

        now.addAndGet(1);
        cache.get(address(1));
        assertThat(started).hasSize(2);
    }

    @Test
    void aLookupInFlightIsShared() throws Exception {
        CompletableFuture<ReverseName> first = cache.get(address(1));
        CompletableFuture<ReverseName> second = cache.get(address(1));

        assertThat(started).hasSize(1);
        started.get(0).complete(ReverseName.unconfirmed("no PTR record"));
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
    }

    @Test
    void aFailureIsCountedOnceAndKeptForAMinuteOnly() throws Exception {
        cache.get(address(1));
        started.get(0).complete(ReverseName.failed("timeout"));
        cache.get(address(1));
        assertThat(failures.get()).isEqualTo(1);

        now.addAndGet(ReverseNameCache.FAILURE_LIFETIME_MILLIS - 1);
        cache.get(address(1));
        assertThat(started).hasSize(1);
        now.addAndGet(1);
        cache.get(address(1));
        assertThat(started).hasSize(2);
    }

    @Test
    void aLookupThatThrowsBecomesAFailure() throws Exception {
        ReverseNameCache throwing = new ReverseNameCache(address -> CompletableFuture.failedFuture(new IllegalStateException("boom")),
            now::get, LIFETIME, 2, failures::incrementAndGet);
        assertThat(throwing.get(address(1)).get().failed()).isTrue();
        assertThat(failures.get()).isEqualTo(1);
    }

    @Test
    void aLookupThatThrowsAtOnceBecomesAFailureToo() throws Exception {
        ReverseNameCache throwing = new ReverseNameCache(address -> {
            throw new IllegalStateException("no resolver");
        }, now::get, LIFETIME, 2, failures::incrementAndGet);
        assertThat(throwing.get(address(1)).get().toString()).contains("no resolver");
    }

    @Test
    void theLeastRecentlyUsedAddressGoesPastTheBound() throws Exception {
        cache.get(address(1));
        cache.get(address(2));
        cache.get(address(1));
        cache.get(address(3));

        assertThat(cache.size()).isEqualTo(2);
        cache.get(address(1));
        assertThat(started).hasSize(3);
        cache.get(address(2));
        assertThat(started).hasSize(4);
    }

    private static InetAddress address(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
    }
}
