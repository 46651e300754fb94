package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.fingerprint.P0fVersion;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.P0fWire;

/** The p0f 2 client against a fake p0f 2: one connection per query, the whole 4-tuple asked. */
class V2P0fClientTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final Fingerprint WINDOWS = Fingerprint.builder(2).osName("Windows").osFlavor("2000 SP4, XP SP1+")
        .distance(15).linkType("ethernet/modem").uptimeMinutes(120).build();

    private final ManualTicker ticker = new ManualTicker();
    @RegisterExtension
    final CloseAfterEach closer = new CloseAfterEach();

    @Test
    void asksTheWholeConnectionOnAConnectionOfItsOwn() throws Exception {
        FakeP0fServer fake = track(FakeP0fServer.startV2()).answering(WINDOWS);
        V2P0fClient client = client(config(fake.socketPath()));

        P0fLookup first = get(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25)));
        P0fLookup second = get(client.lookup(remote("192.0.2.8", 40001), local("198.51.100.25", 25)));

        assertThat(first.fingerprint()).contains(WINDOWS);
        assertThat(second.isMatch()).isTrue();
        assertThat(fake.connectionsAccepted()).isEqualTo(2);
        FakeP0fServer.ReceivedQuery q = fake.queries().get(0);
        assertThat(q.address()).isEqualTo(ip("192.0.2.7"));
        assertThat(q.v2RemotePort()).isEqualTo(40000);
        assertThat(q.v2LocalAddress()).isEqualTo(ip("198.51.100.25"));
        assertThat(q.v2LocalPort()).isEqualTo(25);
        assertThat(fake.queries().get(1).v2Id()).isNotEqualTo(q.v2Id());
    }

    @Test
    void localAddressOverrideReplacesTheLocalAddressBehindNat() throws Exception {
        FakeP0fServer fake = track(FakeP0fServer.startV2()).answering(WINDOWS);
        V2P0fClient client = client(config(fake.socketPath()).localAddress(ip("203.0.113.1")));

        get(client.lookup(remote("192.0.2.7", 40000), local("10.0.0.25", 25)));

        assertThat(fake.queries().get(0).v2LocalAddress()).isEqualTo(ip("203.0.113.1"));
        assertThat(fake.queries().get(0).v2LocalPort()).isEqualTo(25);
    }

    @Test
    void ipv6AddressOnlyOrMissingPortsAreUnsupported() throws Exception {
        V2P0fClient client = client(config(Path.of("/nonexistent/p0f.sock")));

        assertThat(kind(client.lookup(ip("192.0.2.7")).join())).isEqualTo(Kind.UNSUPPORTED_QUERY);
        assertThat(kind(client.lookup(remote("2001:db8::1", 40000), local("198.51.100.25", 25)).join()))
            .isEqualTo(Kind.UNSUPPORTED_QUERY);
        assertThat(kind(client.lookup(remote("192.0.2.7", 0), local("198.51.100.25", 25)).join()))
            .isEqualTo(Kind.UNSUPPORTED_QUERY);
        assertThat(kind(client.lookup(remote("192.0.2.7", 40000), null).join())).isEqualTo(Kind.UNSUPPORTED_QUERY);
        assertThat(client.lookup(remote("2001:db8::1", 1), local("198.51.100.25", 25)).join()
            .failure().orElseThrow().message()).contains("IPv4 only").contains("2001:db8");
    }

    @Test
    void noMatchIsRetriedOnce() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        FakeP0fServer fake = track(FakeP0fServer.startV2()).answering(q -> P0fWire.v2Answer(q.v2Id(),
            asked.incrementAndGet() == 1 ? P0fWire.V2_TYPE_NOMATCH : P0fWire.V2_TYPE_OK, WINDOWS));
        V2P0fClient client = client(config(fake.socketPath()).noMatchRetryDelay(Duration.ofMillis(20)));

        assertThat(get(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25))).isMatch()).isTrue();
        assertThat(fake.queries()).hasSize(2);
    }

    /** As for v3: the retry is due at the first deadline moved by the retry delay, not a fresh timeout later. */
    @Test
    void aRetriedLookupIsDueWithinTheTimeoutPlusTheRetryDelay() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        Duration retryDelay = Duration.ofMillis(500);
        FakeP0fServer fake = track(FakeP0fServer.startV2());
        AtomicInteger asked = new AtomicInteger();
        fake.answering(q -> {
            if (asked.incrementAndGet() > 1) {
                fake.neverAnswering();
            }
            return P0fWire.v2Answer(q.v2Id(), P0fWire.V2_TYPE_NOMATCH, WINDOWS);
        });
        V2P0fClient client = client(config(fake.socketPath()).timeout(timeout).noMatchRetryDelay(retryDelay));

        long start = System.nanoTime();
        CompletableFuture<P0fLookup> lookup = client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25));
        fake.awaitQueries(1, Duration.ofSeconds(2));
        ticker.advance(timeout.minusMillis(50));
        P0fLookup outcome = lookup.get(2, TimeUnit.SECONDS);

        assertThat(kind(outcome)).as(outcome.toString()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isGreaterThanOrEqualTo(retryDelay).isLessThan(timeout.minusSeconds(1));
        fake.normally();
    }

    @Test
    void answerForAnotherQueryIdIsAProtocolError() throws Exception {
        FakeP0fServer fake = track(FakeP0fServer.startV2())
            .answering(q -> P0fWire.v2Answer(q.v2Id() + 1, P0fWire.V2_TYPE_OK, WINDOWS));
        V2P0fClient client = client(config(fake.socketPath()));

        P0fLookup lookup = get(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25)));

        assertThat(kind(lookup)).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(lookup.failure().orElseThrow().message()).contains("query id");
    }

    @Test
    void silentP0fTimesOutThenTheClientWorksAgain() throws Exception {
        FakeP0fServer fake = track(FakeP0fServer.startV2()).answering(WINDOWS).neverAnswering();
        V2P0fClient client = client(config(fake.socketPath()));

        long start = System.nanoTime();
        P0fLookup lookup = client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25))
            .get(TIMEOUT.toMillis() + 300, TimeUnit.MILLISECONDS);
        assertThat(kind(lookup)).isEqualTo(Kind.TIMEOUT);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(TIMEOUT.toMillis() + 300));
        assertThat(kind(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25)).join()))
            .isEqualTo(Kind.BACKING_OFF);

        fake.normally();
        ticker.advance(Duration.ofSeconds(30));
        assertThat(get(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25))).isMatch()).isTrue();
        assertThat(fake.undeliveredAnswers()).isZero();
    }

    @Test
    void missingSocketIsTypedAndBacksOff(@TempDir Path dir) throws Exception {
        V2P0fClient client = client(config(dir.resolve("p0f.sock")));

        assertThat(kind(get(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25)))))
            .isEqualTo(Kind.SOCKET_MISSING);
        assertThat(kind(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25)).join()))
            .isEqualTo(Kind.BACKING_OFF);
    }

    @Test
    void factoryMakesAV2ClientForVersion2() throws Exception {
        FakeP0fServer fake = track(FakeP0fServer.startV2()).answering(WINDOWS);
        try (P0fClient client = P0fClientFactory.create(config(fake.socketPath()).build())) {
            assertThat(client).isInstanceOf(V2P0fClient.class);
            assertThat(client.status().version()).isEqualTo(P0fVersion.V2);
            assertThat(get(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25))).isMatch()).isTrue();
        }
    }

    @Test
    void closeFailsWaitingLookupsClosed() throws Exception {
        FakeP0fServer fake = track(FakeP0fServer.startV2()).answering(WINDOWS).slowly(Duration.ofMillis(100));
        V2P0fClient client = client(config(fake.socketPath()).timeout(Duration.ofSeconds(2)));
        CompletableFuture<P0fLookup> waiting = client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25));

        client.close();

        assertThat(kind(waiting.join())).isEqualTo(Kind.CLOSED);
        assertThat(fake.undeliveredAnswers()).isZero();
        assertThat(kind(client.lookup(remote("192.0.2.7", 40000), local("198.51.100.25", 25)).join()))
            .isEqualTo(Kind.CLOSED);
    }

    private static P0fClientConfig.Builder config(Path socket) {
        return P0fClientConfig.builder(socket).version(P0fVersion.V2).timeout(TIMEOUT).cacheTtl(Duration.ZERO)
            .noMatchRetryDelay(Duration.ZERO).retryWindow(Duration.ofSeconds(30));
    }

    private V2P0fClient client(P0fClientConfig.Builder config) {
        return track(new V2P0fClient(config.build(), P0fClientListener.NONE, ticker));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        return closer.track(closeable);
    }

    private static Kind kind(P0fLookup lookup) {
        return lookup.failure().map(f -> f.kind()).orElse(null);
    }

    private static P0fLookup get(CompletableFuture<P0fLookup> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static InetSocketAddress remote(String ip, int port) throws IOException {
        return new InetSocketAddress(ip(ip), port);
    }

    private static InetSocketAddress local(String ip, int port) throws IOException {
        return new InetSocketAddress(ip(ip), port);
    }

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }
}
