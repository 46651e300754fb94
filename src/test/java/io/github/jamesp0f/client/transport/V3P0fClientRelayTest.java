package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.P0fRelay;
import io.github.jamesp0f.testing.RealP0f;

/**
 * The client against a real p0f 3 whose API is relayed over TCP as contrib/ ships it
 * (systemd-socket-activate and systemd-socket-proxyd). Skipped unless root with p0f and Debian's
 * systemd binaries.
 */
class V3P0fClientRelayTest {

    @RegisterExtension
    static final RealP0f P0F = RealP0f.builder().build();

    private static InetAddress windows;
    private static InetAddress linux;
    private static P0fRelay relay;

    @BeforeAll
    static void startTheRelay() throws Exception {
        CraftedSyn.assumeAvailable();
        relay = P0fRelay.to(P0F.socketPath());
        windows = InetAddress.getByName("127.0.0.77");
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.WINDOWS_7, windows, 113);
        linux = InetAddress.getByName("127.0.0.1");
        P0F.connectFrom(linux);
        CraftedSyn.awaitOsKnown(P0F.socketPath(), linux, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stopTheRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void lookupsThroughTheRelayNameEachHostsOs() throws Exception {
        try (P0fClient client = P0fClientFactory.create(config().build())) {
            P0fLookup win = client.lookup(windows).get(5, TimeUnit.SECONDS);
            P0fLookup lin = client.lookup(linux).get(5, TimeUnit.SECONDS);

            assertThat(win.fingerprint().orElseThrow().osDescription()).as(win.toString()).isEqualTo("Windows 7 or 8");
            assertThat(win.fingerprint().orElseThrow().distance()).hasValue(15);
            assertThat(lin.fingerprint().orElseThrow().osName()).as(lin.toString()).contains("Linux");
            assertThat(client.status().endpoint()).isEqualTo(relay.endpoint());
            assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.CONNECTED);
        }
    }

    /** Thousands of pipelined queries on two relayed connections, each answer paired with its own query. */
    @Test
    void pipelinedLookupsAreEachAnsweredForTheirOwnAddress() throws Exception {
        InetAddress unknown = InetAddress.getByName("127.0.0.250");
        InetAddress[] asked = {windows, linux, unknown};
        try (P0fClient client = P0fClientFactory.create(config().build())) {
            List<CompletableFuture<P0fLookup>> lookups = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                lookups.add(client.lookup(asked[i % 3]));
                if (lookups.size() % 200 == 0) {
                    // At most 200 waiting: within the 2 x 128 the two connections take at once.
                    for (CompletableFuture<P0fLookup> f : lookups.subList(lookups.size() - 200, lookups.size())) {
                        f.get(5, TimeUnit.SECONDS);
                    }
                }
            }
            for (int i = 0; i < lookups.size(); i++) {
                P0fLookup lookup = lookups.get(i).get(5, TimeUnit.SECONDS);
                switch (i % 3) {
                    case 0:
                        assertThat(lookup.fingerprint().orElseThrow().osDescription()).as(i + ": " + lookup)
                            .isEqualTo("Windows 7 or 8");
                        break;
                    case 1:
                        assertThat(lookup.fingerprint().orElseThrow().osName()).as(i + ": " + lookup).contains("Linux");
                        break;
                    default:
                        assertThat(lookup.status()).as(i + ": " + lookup).isEqualTo(P0fLookup.Status.NO_MATCH);
                }
            }
        }
        assertThat(P0F.isAlive()).as("p0f alive; its log:\n" + P0F.log()).isTrue();
    }

    /**
     * p0f answers NOMATCH for a host whose SYN it has not seen yet; the SYN comes while the client
     * waits to ask again, and the retry finds it: a match that can only be the retry's answer.
     */
    @Test
    void aNoMatchIsAskedAgainThroughTheRelay() throws Exception {
        InetAddress late = InetAddress.getByName("127.0.0.81");
        Duration retryDelay = Duration.ofMillis(1500);
        try (P0fClient client = P0fClientFactory.create(config().timeout(Duration.ofSeconds(3))
            .noMatchRetryDelay(retryDelay).build())) {
            long start = System.nanoTime();
            CompletableFuture<P0fLookup> lookup = client.lookup(late);
            CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.FREEBSD, late);

            P0fLookup outcome = lookup.get(10, TimeUnit.SECONDS);

            assertThat(outcome.fingerprint().orElseThrow().osName()).as(outcome.toString()).contains("FreeBSD");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(retryDelay);
        }
    }

    @Test
    void aKilledRelayBacksOffAndTheClientRecoversWhenItIsBack() throws Exception {
        Duration retryWindow = Duration.ofMillis(300);
        try (P0fClient client = P0fClientFactory.create(config().retryWindow(retryWindow).build())) {
            assertThat(client.lookup(windows).get(5, TimeUnit.SECONDS).isMatch()).isTrue();

            relay.kill();
            // The idle connection's thread may see the relay hang up before this lookup is made.
            P0fLookup broken = client.lookup(windows).get(5, TimeUnit.SECONDS);
            assertThat(broken.failure().orElseThrow().kind()).as(broken.toString())
                .isIn(Kind.IO_ERROR, Kind.CONNECTION_REFUSED, Kind.BACKING_OFF);
            assertThat(broken.failure().orElseThrow().message()).contains(relay.endpoint().toString());
            P0fLookup fast = client.lookup(windows).get(5, TimeUnit.SECONDS);
            assertThat(fast.failure().orElseThrow().kind()).isEqualTo(Kind.BACKING_OFF);
            assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.BACKING_OFF);
            assertThat(client.status().lastError()).hasValueSatisfying(e -> assertThat(e)
                .contains(relay.endpoint().toString()));

            Thread.sleep(retryWindow.toMillis() + 50);
            P0fLookup refused = client.lookup(windows).get(5, TimeUnit.SECONDS);
            assertThat(refused.failure().orElseThrow().message()).as(refused.toString())
                .startsWith("connection refused at " + relay.endpoint() + ": nothing listens there");

            relay.start();
            Thread.sleep(retryWindow.toMillis() + 50);
            P0fLookup back = client.lookup(windows).get(5, TimeUnit.SECONDS);
            assertThat(back.fingerprint().orElseThrow().osDescription()).as(back.toString()).isEqualTo("Windows 7 or 8");
            assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.CONNECTED);
        } finally {
            if (!relay.isAlive()) {
                relay.start();
            }
        }
        assertThat(P0F.isAlive()).as("p0f alive; its log:\n" + P0F.log()).isTrue();
    }

    private static P0fClientConfig.Builder config() {
        return P0fClientConfig.builder(relay.endpoint()).timeout(Duration.ofSeconds(1)).cacheTtl(Duration.ZERO)
            .noMatchRetryDelay(Duration.ZERO);
    }
}
