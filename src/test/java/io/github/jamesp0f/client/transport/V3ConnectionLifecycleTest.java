package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.P0fWire;

/**
 * A v3 connection's life: it ends at once when closed with nothing owed, a drain on close ends at
 * its deadline, callers' writes never wait on a p0f that reads nothing, and lookups asked from an
 * answer's callback (deferred to one write per read) are written.
 */
class V3ConnectionLifecycleTest {

    private final RecordingListener listener = new RecordingListener();
    @RegisterExtension
    final CloseAfterEach closer = new CloseAfterEach();

    @Test
    void closingWithNothingOwedEndsTheConnectionAtOnce() throws Exception {
        FakeP0fServer fake = echoing(closer.track(FakeP0fServer.start()));
        V3P0fClient client = client(fake, 2, V3P0fClient.DEFAULT_MAX_IN_FLIGHT, V3P0fClient.BACKGROUND_DRAIN);
        assertThat(client.lookup(ip("10.0.0.1")).get(5, TimeUnit.SECONDS).isMatch()).isTrue();

        long start = System.nanoTime();
        client.close();

        // Not close()'s own wait for the connections, at least a second.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(client.status().openConnections()).isZero();
        assertThat(fake.undeliveredAnswers()).isZero();
    }

    @Test
    void aDrainOnCloseEndsAtItsDeadlineWhenP0fStaysSilent() throws Exception {
        FakeP0fServer fake = echoing(closer.track(FakeP0fServer.start())).neverAnswering();
        Duration drain = Duration.ofSeconds(2);
        // close() itself waits a second for the connections (twice a timeout this short): the drain outlasts it.
        V3P0fClient client = closer.track(new V3P0fClient(config(fake, 1).timeout(Duration.ofMillis(300)).build(),
            listener, Ticker.SYSTEM, V3P0fClient.DEFAULT_MAX_IN_FLIGHT, drain));
        CompletableFuture<P0fLookup> waiting = client.lookup(ip("10.0.0.1"));
        fake.awaitQueries(1, Duration.ofSeconds(2));

        long start = System.nanoTime();
        client.close();

        assertThat(failureKind(waiting.join())).isEqualTo(Kind.CLOSED);
        assertThat(client.status().openConnections()).as("still reading the answer owed").isEqualTo(1);
        long bound = start + drain.toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (client.status().openConnections() > 0 && System.nanoTime() < bound) {
            Thread.sleep(20);
        }
        assertThat(client.status().openConnections()).as("closed after the drain's deadline").isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(drain);
    }

    @Test
    void aP0fThatReadsNothingNeverBlocksTheCallers() throws Exception {
        FakeP0fServer fake = echoing(closer.track(FakeP0fServer.start())).notAccepting();
        int bound = 256;
        V3P0fClient client = client(fake, 1, bound, V3P0fClient.BACKGROUND_DRAIN);
        List<CompletableFuture<P0fLookup>> lookups = new ArrayList<>();

        long start = System.nanoTime();
        for (int i = 0; i < bound; i++) {
            lookups.add(client.lookup(ip("10.0." + (i / 200) + "." + (i % 200))));
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(lookups).noneMatch(CompletableFuture::isDone);
        fake.normally();
        for (CompletableFuture<P0fLookup> f : lookups) {
            assertThat(f.get(5, TimeUnit.SECONDS).isMatch()).isTrue();
        }
    }

    @Test
    void lookupsAskedFromAnAnswersCallbackAreWritten() throws Exception {
        FakeP0fServer fake = echoing(closer.track(FakeP0fServer.start()));
        V3P0fClient client = client(fake, 2, V3P0fClient.DEFAULT_MAX_IN_FLIGHT, V3P0fClient.BACKGROUND_DRAIN);
        int chains = 8;
        int perChain = 50;
        CountDownLatch done = new CountDownLatch(chains);
        AtomicInteger matches = new AtomicInteger();

        for (int c = 0; c < chains; c++) {
            chain(client, ip("10.1.0." + c), perChain, matches, done);
        }

        // Each answer's callback asks the next lookup on the connection's thread, on either connection.
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(matches.get()).isEqualTo(chains * perChain);
        assertThat(fake.queries()).hasSize(chains * perChain);
    }

    private static void chain(V3P0fClient client, InetAddress address, int left, AtomicInteger matches,
                              CountDownLatch done) {
        client.lookup(address).thenAccept(lookup -> {
            if (lookup.fingerprint().flatMap(Fingerprint::osFlavor).orElse("").equals(address.getHostAddress())) {
                matches.incrementAndGet();
            }
            if (left > 1) {
                chain(client, address, left - 1, matches, done);
            } else {
                done.countDown();
            }
        });
    }

    private V3P0fClient client(FakeP0fServer fake, int connections, int maxInFlight, Duration drain) {
        return closer.track(new V3P0fClient(config(fake, connections).build(), listener, Ticker.SYSTEM, maxInFlight, drain));
    }

    private static P0fClientConfig.Builder config(FakeP0fServer fake, int connections) {
        return P0fClientConfig.builder(fake.socketPath()).timeout(Duration.ofSeconds(3)).connections(connections)
            .cacheTtl(Duration.ZERO).noMatchRetryDelay(Duration.ZERO);
    }

    private static FakeP0fServer echoing(FakeP0fServer fake) {
        return fake.answering(q -> P0fWire.v3Ok(Fingerprint.builder(3).osName("Echo")
            .osFlavor(q.address().getHostAddress()).build()));
    }

    private static Kind failureKind(P0fLookup lookup) {
        return lookup.failure().map(f -> f.kind()).orElse(null);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
