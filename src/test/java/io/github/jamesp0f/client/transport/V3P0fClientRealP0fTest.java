package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.RealP0f;

/** The client against a real p0f 3 sniffing loopback (skipped unless root with p0f installed). */
class V3P0fClientRealP0fTest {

    @RegisterExtension
    static final RealP0f P0F = RealP0f.builder().build();

    @Test
    void realConnectionFrom127001IsLinux() throws Exception {
        InetAddress client = InetAddress.getByName("127.0.0.1");
        connectFrom(client, new InetSocketAddress(client, P0F.watchedPort()));

        try (P0fClient p0f = P0fClientFactory.create(config().build())) {
            // Right after accept p0f may not have seen the SYN yet: the client's NOMATCH retry covers it.
            P0fLookup lookup = p0f.lookup(client).get(5, TimeUnit.SECONDS);

            assertThat(lookup.isMatch()).as(lookup.toString()).isTrue();
            assertThat(lookup.fingerprint().orElseThrow().osName()).contains("Linux");
            assertThat(lookup.fingerprint().orElseThrow().distance()).hasValue(0);
        }
    }

    @Test
    void ipv6LoopbackIsKnown() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        connectFrom(v6, new InetSocketAddress(v6, P0F.watchedPort()));

        try (P0fClient p0f = P0fClientFactory.create(config().build())) {
            P0fLookup lookup = p0f.lookup(v6).get(5, TimeUnit.SECONDS);

            // p0f 3.09b has no signature for Linux's IPv6 SYN on lo: it knows the host, not its OS.
            // Asked wrongly (as type 4, or misencoded) it would answer NOMATCH or BADQUERY.
            assertThat(lookup.isMatch()).as(lookup.toString()).isTrue();
            assertThat(lookup.fingerprint().orElseThrow().totalConnections()).isPresent();
            assertThat(lookup.fingerprint().orElseThrow().distance()).hasValue(0);
        }
    }

    @Test
    void craftedWindowsSynIsWindows7Or8() throws Exception {
        CraftedSyn.assumeAvailable();
        InetAddress source = InetAddress.getByName("127.0.0.77");
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.WINDOWS_7, source, 113);

        try (P0fClient p0f = P0fClientFactory.create(config().build())) {
            P0fLookup lookup = p0f.lookup(source).get(5, TimeUnit.SECONDS);

            assertThat(lookup.fingerprint().orElseThrow().osDescription()).isEqualTo("Windows 7 or 8");
            assertThat(lookup.fingerprint().orElseThrow().distance()).hasValue(15);
        }
    }

    @Test
    void p0fSurvives10000LookupsWithTimeoutsAndCancellations() throws Exception {
        InetAddress client = InetAddress.getByName("127.0.0.1");
        connectFrom(client, new InetSocketAddress(client, P0F.watchedPort()));
        Map<P0fLookup.Status, Integer> statuses = new EnumMap<>(P0fLookup.Status.class);
        Map<P0fFailure.Kind, Integer> failures = new EnumMap<>(P0fFailure.Kind.class);
        int[] cancelled = new int[1];

        try (P0fClient p0f = P0fClientFactory.create(config().timeout(Duration.ofMillis(50))
            .retryWindow(Duration.ofMillis(100)).noMatchRetryDelay(Duration.ZERO).build())) {
            int done = run(p0f, client, 3_000, 0, statuses, failures, cancelled);

            // p0f frozen: lookups time out, then fail fast while the client backs off.
            P0F.stall();
            done += run(p0f, client, 300, 1, statuses, failures, cancelled);
            P0F.resume();
            assertThat(failures).containsKey(P0fFailure.Kind.TIMEOUT).containsKey(P0fFailure.Kind.BACKING_OFF);

            // Back to answering once the retry window passed and the owed answers were read.
            long recoverBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!p0f.lookup(client).get(5, TimeUnit.SECONDS).isMatch() && System.nanoTime() < recoverBy) {
                Thread.sleep(10);
                done++;
            }
            statuses.clear();
            failures.clear();
            run(p0f, client, 10_000 - done, 0, statuses, failures, cancelled);

            assertThat(P0F.isAlive()).as("p0f alive after the run; its log:\n" + P0F.log()).isTrue();
            assertThat(failures).as("after recovery, every lookup answered").isEmpty();
            assertThat(statuses.get(P0fLookup.Status.MATCH)).isGreaterThan(5_000);
            assertThat(cancelled[0]).isGreaterThan(0);
        }
        Thread.sleep(200);
        assertThat(P0F.isAlive()).as("p0f alive after the client closed; its log:\n" + P0F.log()).isTrue();
    }

    /** {@code count} lookups, every tenth cancelled at once, up to 32 in flight; returns {@code count}. */
    private static int run(P0fClient p0f, InetAddress address, int count, long pauseMillis,
                           Map<P0fLookup.Status, Integer> statuses, Map<P0fFailure.Kind, Integer> failures,
                           int[] cancelled) throws Exception {
        List<CompletableFuture<P0fLookup>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<P0fLookup> f = p0f.lookup(address);
            if (i % 10 == 7) {
                cancelled[0] += f.cancel(false) ? 1 : 0;
            } else {
                batch.add(f);
            }
            if (batch.size() == 32 || pauseMillis > 0) {
                collect(batch, statuses, failures);
            }
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
        collect(batch, statuses, failures);
        return count;
    }

    private static void collect(List<CompletableFuture<P0fLookup>> batch, Map<P0fLookup.Status, Integer> statuses,
                                Map<P0fFailure.Kind, Integer> failures) throws Exception {
        for (CompletableFuture<P0fLookup> f : batch) {
            P0fLookup lookup = f.get(5, TimeUnit.SECONDS);
            statuses.merge(lookup.status(), 1, Integer::sum);
            lookup.failure().ifPresent(failure -> failures.merge(failure.kind(), 1, Integer::sum));
        }
        batch.clear();
    }

    private static P0fClientConfig.Builder config() {
        return P0fClientConfig.builder(P0F.socketPath()).timeout(Duration.ofSeconds(1)).cacheTtl(Duration.ZERO)
            .noMatchRetryDelay(Duration.ofMillis(25));
    }

    /** A real TCP connection, so that p0f sees a real SYN from {@code source}. */
    private static void connectFrom(InetAddress source, InetSocketAddress server) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(server);
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(source, 0));
                s.connect(server, 2000);
                listener.accept().close();
            }
        }
    }
}
