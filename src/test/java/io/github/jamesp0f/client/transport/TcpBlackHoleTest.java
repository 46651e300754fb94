package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.BlackHole;

/**
 * A p0f edge that never replies (its host is gone, or a firewall drops the packets) must not delay
 * a client beyond the timeout, connect included, where the kernel alone would wait two minutes.
 * A real address with no host behind it, on a link to a namespace of the test's own (root only).
 */
class TcpBlackHoleTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** A loaded 2-core machine wakes the timer late, never this late. */
    private static final long SLACK_MILLIS = 400;

    private static BlackHole hole;

    @BeforeAll
    static void makeTheHole() throws Exception {
        hole = BlackHole.create();
    }

    @AfterAll
    static void removeIt() {
        if (hole != null) {
            hole.close();
        }
    }

    @Test
    void aSilentEdgeFailsEveryLookupWithinTheTimeoutAsAConnectTimeoutThenBacksOff() throws Exception {
        P0fEndpoint edge = P0fEndpoint.tcp(new InetSocketAddress(hole.silentAddress(), 2999));
        try (P0fClient client = P0fClientFactory.create(config(edge, TIMEOUT))) {
            long start = System.nanoTime();
            List<CompletableFuture<P0fLookup>> lookups = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                lookups.add(client.lookup(InetAddress.getByName("192.0.2." + (i + 1))));
            }
            assertThat(System.nanoTime() - start).as("lookup() returns at once").isLessThan(TIMEOUT.toNanos());

            for (CompletableFuture<P0fLookup> f : lookups) {
                P0fLookup lookup = f.get(5, TimeUnit.SECONDS);
                assertThat(lookup.failure().orElseThrow().kind()).as(lookup.toString()).isEqualTo(Kind.TIMEOUT);
                assertThat(lookup.failure().orElseThrow().message()).isEqualTo("connect to " + edge
                    + " timed out after 300 ms: no reply at all (the host is down, or a firewall drops the packets, "
                    + "such as a relay socket's IPAddressAllow= that leaves this host out)");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusMillis(SLACK_MILLIS));

            CompletableFuture<P0fLookup> fast = client.lookup(InetAddress.getByName("192.0.2.9"));
            assertThat(fast).isDone();
            assertThat(fast.join().failure().orElseThrow().kind()).isEqualTo(Kind.BACKING_OFF);
            assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.BACKING_OFF);
            assertThat(client.status().openConnections()).isZero();
        }
    }

    @Test
    void anEdgeWithNoRouteIsNamedUnreachable() throws Exception {
        // Long enough for the kernel to give up on ARP (about 3 s) before the client gives up.
        Duration longTimeout = Duration.ofSeconds(8);
        P0fEndpoint edge = P0fEndpoint.tcp(new InetSocketAddress(hole.silentAddress(), 2999));
        try (P0fClient client = P0fClientFactory.create(config(edge, longTimeout))) {
            P0fLookup lookup = client.lookup(InetAddress.getByName("192.0.2.1")).get(15, TimeUnit.SECONDS);

            assertThat(lookup.failure().orElseThrow().kind()).as(lookup.toString()).isEqualTo(Kind.IO_ERROR);
            assertThat(lookup.failure().orElseThrow().message()).startsWith(edge + " is unreachable from this host (")
                .endsWith("): check the address and the route to p0f's host");
        }
    }

    private static P0fClientConfig config(P0fEndpoint edge, Duration timeout) {
        return P0fClientConfig.builder(edge).timeout(timeout).cacheTtl(Duration.ZERO).noMatchRetryDelay(Duration.ZERO)
            .retryWindow(Duration.ofSeconds(30)).build();
    }
}
