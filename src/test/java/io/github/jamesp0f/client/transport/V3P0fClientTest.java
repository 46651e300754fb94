package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.P0fWire;
import io.github.jamesp0f.testing.StaleSocket;

/**
 * The v3 client against a fake p0f that misbehaves on demand. Each misbehaviour must end in a
 * typed outcome within the timeout, and the client must work again once p0f does. Here on a unix
 * socket; {@link V3P0fClientTcpTest} runs the same over TCP.
 */
class V3P0fClientTest {

    static final Duration TIMEOUT = Duration.ofMillis(200);
    static final Duration RETRY_WINDOW = Duration.ofSeconds(30);
    /** Slack for a loaded 2-core machine on top of the timeout. */
    static final long SLACK_MILLIS = 300;
    /** As it comes back from the wire: counters p0f always sends are present. */
    private static final Fingerprint WINDOWS = Fingerprint.builder(3).osName("Windows").osFlavor("7 or 8").distance(15)
        .totalConnections(1).badSoftware(0).osMatchQuality(0).build();

    final ManualTicker ticker = new ManualTicker();
    final RecordingListener listener = new RecordingListener();
    @RegisterExtension
    final CloseAfterEach closer = new CloseAfterEach();

    // ----- answers

    @Test
    void matchCarriesTheFingerprintAndAsksTheRightAddress() throws Exception {
        FakeP0fServer fake = fake().answering(WINDOWS);
        V3P0fClient client = client(fake.endpoint(), 2);

        P0fLookup lookup = get(client.lookup(ip("192.0.2.7")));

        assertThat(lookup.fingerprint()).contains(WINDOWS);
        assertThat(lookup.fromCache()).isFalse();
        assertThat(fake.queries()).extracting(FakeP0fServer.ReceivedQuery::address).containsExactly(ip("192.0.2.7"));
        assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.CONNECTED);
        assertThat(listener.completed).containsExactly(lookup);
    }

    @Test
    void manyConcurrentLookupsEachGetTheirOwnAnswer() throws Exception {
        FakeP0fServer fake = echoing(fake());
        V3P0fClient client = client(fake.endpoint(), 2);
        List<InetAddress> asked = new ArrayList<>();
        List<CompletableFuture<P0fLookup>> futures = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        // 200 at once: within the 2 x 128 lookups two connections take before OVERLOADED.
        for (int t = 0; t < 4; t++) {
            int caller = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    InetAddress address = InetAddress.getLoopbackAddress();
                    try {
                        address = ip("10.0." + caller + "." + i);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    CompletableFuture<P0fLookup> f = client.lookup(address);
                    synchronized (futures) {
                        asked.add(address);
                        futures.add(f);
                    }
                }
            });
            callers.add(thread);
            thread.start();
        }
        for (Thread t : callers) {
            t.join();
        }
        for (int i = 0; i < futures.size(); i++) {
            P0fLookup lookup = get(futures.get(i));
            // Pairing answers with queries in order: each echo names the address asked.
            assertThat(lookup.fingerprint().flatMap(Fingerprint::osFlavor)).as(lookup.toString())
                .contains(asked.get(i).getHostAddress());
        }
        assertThat(futures).hasSize(200);
        assertThat(fake.queries()).hasSize(200);
        assertThat(listener.completed).hasSize(200);
    }

    @Test
    void ipv6AndMappedAddressesAreAskedInTheirP0fFamily() throws Exception {
        FakeP0fServer fake = echoing(fake());
        V3P0fClient client = client(fake.endpoint(), 1);
        InetAddress mapped = Inet6Address.getByAddress(null,
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 5}, null);

        get(client.lookup(ip("::1")));
        get(client.lookup(mapped));
        get(client.lookup(new InetSocketAddress(ip("192.0.2.8"), 40000), new InetSocketAddress(ip("127.0.0.1"), 25)));

        assertThat(fake.queries()).extracting(FakeP0fServer.ReceivedQuery::v3AddressType).containsExactly(6, 4, 4);
        assertThat(fake.queries()).extracting(FakeP0fServer.ReceivedQuery::address)
            .containsExactly(ip("::1"), ip("127.0.0.5"), ip("192.0.2.8"));
    }

    @Test
    void noMatchIsAskedOnceMoreAfterTheRetryDelay() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        FakeP0fServer fake = fake().answering(q -> asked.incrementAndGet() == 1 ? P0fWire.v3NoMatch() : P0fWire.v3Ok(WINDOWS));
        V3P0fClient client = client(config(fake.endpoint(), 1).noMatchRetryDelay(Duration.ofMillis(50)));

        long start = System.nanoTime();
        P0fLookup lookup = get(client.lookup(ip("127.0.0.9")));

        assertThat(lookup.isMatch()).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(fake.queries()).hasSize(2);
        assertThat(listener.completed).hasSize(1);
    }

    /**
     * The whole lookup, retry included, is due within timeout + retry delay from the call, even
     * when p0f's first answer came late: the retry's deadline is the first one moved by the retry
     * delay, not a fresh timeout. The clock jumps as if the first NOMATCH had taken all but 50 ms
     * of the timeout; the retry, which p0f never answers, must then time out 50 ms plus the retry
     * delay after the call (in the clock's time), not a whole timeout after it was sent.
     */
    @Test
    void aRetriedLookupIsDueWithinTheTimeoutPlusTheRetryDelay() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        Duration retryDelay = Duration.ofMillis(500);
        FakeP0fServer fake = fake();
        AtomicInteger asked = new AtomicInteger();
        fake.answering(q -> {
            if (asked.incrementAndGet() > 1) {
                fake.neverAnswering();
            }
            return P0fWire.v3NoMatch();
        });
        V3P0fClient client = client(config(fake.endpoint(), 1).timeout(timeout).noMatchRetryDelay(retryDelay));

        long start = System.nanoTime();
        CompletableFuture<P0fLookup> lookup = client.lookup(ip("127.0.0.9"));
        fake.awaitQueries(1, Duration.ofSeconds(2));
        ticker.advance(timeout.minusMillis(50));
        P0fLookup outcome = lookup.get(2, TimeUnit.SECONDS);

        assertThat(failureKind(outcome)).as(outcome.toString()).isEqualTo(Kind.TIMEOUT);
        assertThat(fake.queries()).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isGreaterThanOrEqualTo(retryDelay).isLessThan(timeout.minusSeconds(1));
        assertThat(listener.completed).hasSize(1);
        fake.answeringNoMatch();
    }

    /** The same bound in real time, where the timeout sweep, not a check of the retry's own, ends it. */
    @Test
    void aRetryAfterASlowFirstAnswerStillEndsWithinTheTimeoutPlusTheRetryDelay() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        Duration retryDelay = Duration.ofMillis(100);
        FakeP0fServer fake = fake().slowly(Duration.ofMillis(800));
        AtomicInteger asked = new AtomicInteger();
        fake.answering(q -> {
            if (asked.incrementAndGet() > 1) {
                fake.neverAnswering();
            }
            return P0fWire.v3NoMatch();
        });
        V3P0fClient client = client(config(fake.endpoint(), 1).timeout(timeout).noMatchRetryDelay(retryDelay));

        long start = System.nanoTime();
        P0fLookup outcome = client.lookup(ip("127.0.0.9")).get(5, TimeUnit.SECONDS);

        assertThat(failureKind(outcome)).as(outcome.toString()).isEqualTo(Kind.TIMEOUT);
        assertThat(fake.queries()).hasSize(2);
        // Within 1.1 s, plus slack for a loaded machine; a fresh timeout for the retry would take 1.9 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        fake.answeringNoMatch();
    }

    @Test
    void noMatchTwiceIsNoMatchAndWithoutRetryDelayAskedOnce() throws Exception {
        FakeP0fServer fake = fake().answeringNoMatch();
        V3P0fClient retrying = client(config(fake.endpoint(), 1).noMatchRetryDelay(Duration.ofMillis(10)));
        assertThat(get(retrying.lookup(ip("127.0.0.9"))).status()).isEqualTo(P0fLookup.Status.NO_MATCH);
        assertThat(fake.queries()).hasSize(2);

        V3P0fClient once = client(fake.endpoint(), 1);
        assertThat(get(once.lookup(ip("127.0.0.9"))).status()).isEqualTo(P0fLookup.Status.NO_MATCH);
        assertThat(fake.queries()).hasSize(3);
    }

    @Test
    void badQueryIsTypedAndDoesNotBackOff() throws Exception {
        FakeP0fServer fake = fake().answeringBadQuery();
        V3P0fClient client = client(fake.endpoint(), 1);

        assertThat(failureKind(get(client.lookup(ip("127.0.0.9"))))).isEqualTo(Kind.BAD_QUERY);
        assertThat(failureKind(get(client.lookup(ip("127.0.0.9"))))).isEqualTo(Kind.BAD_QUERY);
        assertThat(fake.queries()).hasSize(2);
    }

    // ----- misbehaviour: typed outcome within the timeout, usable afterwards

    @Test
    void slowAnswerWithinTheTimeoutIsAMatch() throws Exception {
        FakeP0fServer fake = fake().answering(WINDOWS).slowly(Duration.ofMillis(50));
        V3P0fClient client = client(fake.endpoint(), 1);

        assertThat(get(client.lookup(ip("127.0.0.9"))).isMatch()).isTrue();
    }

    @Test
    void slowAnswerBeyondTheTimeoutTimesOutAndItsLateAnswerIsDiscarded() throws Exception {
        FakeP0fServer fake = echoing(fake()).slowly(Duration.ofMillis(400));
        V3P0fClient client = client(fake.endpoint(), 1);

        assertTimesOut(client.lookup(ip("10.0.0.1")));
        assertUsableAfter(fake, client);
        assertThat(fake.undeliveredAnswers()).isZero();
    }

    @Test
    void halfAnAnswerThenSilenceTimesOut() throws Exception {
        FakeP0fServer fake = echoing(fake()).partially();
        V3P0fClient client = client(fake.endpoint(), 1);

        assertTimesOut(client.lookup(ip("10.0.0.1")));
        assertUsableAfter(fake, client);
    }

    @Test
    void neverAnsweringTimesOut() throws Exception {
        FakeP0fServer fake = echoing(fake()).neverAnswering();
        V3P0fClient client = client(fake.endpoint(), 2);

        assertTimesOut(client.lookup(ip("10.0.0.1")));
        assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.BACKING_OFF);
        assertUsableAfter(fake, client);
        assertThat(fake.undeliveredAnswers()).isZero();
    }

    @Test
    void allSlotsTakenConnectSucceedsButNoAnswerTimesOut() throws Exception {
        FakeP0fServer fake = echoing(fake()).notAccepting();
        V3P0fClient client = client(fake.endpoint(), 1);

        CompletableFuture<P0fLookup> pending = client.lookup(ip("10.0.0.1"));
        assertThat(pending).as("lookup() returns before p0f answers").isNotDone();
        assertTimesOut(pending);
        assertThat(fake.connectionsAccepted()).isZero();
        assertUsableAfter(fake, client);
        assertThat(fake.undeliveredAnswers()).isZero();
    }

    @Test
    void garbageIsAProtocolErrorNamingWhatWasWrong() throws Exception {
        FakeP0fServer fake = echoing(fake()).garbage();
        V3P0fClient client = client(fake.endpoint(), 1);

        P0fLookup lookup = get(client.lookup(ip("10.0.0.1")));

        assertThat(failureKind(lookup)).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(lookup.failure().orElseThrow().message()).contains("magic 0x50545448").contains(fake.endpoint().toString());
        assertUsableAfter(fake, client);
    }

    @Test
    void afterGarbageTheAnswersStillOwedAreReadBeforeClosing() throws Exception {
        byte[] notP0f = new byte[P0fWire.V3_ANSWER_SIZE];
        FakeP0fServer fake = fake().answering(q -> notP0f).slowly(Duration.ofMillis(50));
        V3P0fClient client = client(config(fake.endpoint(), 1).timeout(Duration.ofSeconds(2)));
        List<CompletableFuture<P0fLookup>> lookups = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lookups.add(client.lookup(ip("10.0.0." + i)));
        }

        for (CompletableFuture<P0fLookup> f : lookups) {
            assertThat(failureKind(get(f))).isEqualTo(Kind.PROTOCOL_ERROR);
        }
        Thread.sleep(400);
        assertThat(fake.undeliveredAnswers()).as("answers p0f could not write (SIGPIPE for a real one)").isZero();
        assertThat(fake.queries()).hasSize(3);
    }

    @Test
    void p0fHangingUpIsAnIoErrorAtOnce() throws Exception {
        FakeP0fServer fake = echoing(fake()).closingImmediately();
        V3P0fClient client = client(fake.endpoint(), 1);

        long start = System.nanoTime();
        P0fLookup lookup = get(client.lookup(ip("10.0.0.1")));

        assertThat(failureKind(lookup)).isEqualTo(Kind.IO_ERROR);
        assertThat(System.nanoTime() - start).isLessThan(TIMEOUT.toNanos());
        assertUsableAfter(fake, client);
    }

    @Test
    void cancelledLookupKeepsItsSlotSoTheNextGetsItsOwnAnswer() throws Exception {
        FakeP0fServer fake = echoing(fake()).slowly(Duration.ofMillis(30));
        V3P0fClient client = client(config(fake.endpoint(), 1).timeout(Duration.ofSeconds(2)));

        CompletableFuture<P0fLookup> cancelled = client.lookup(ip("10.0.0.1"));
        cancelled.cancel(false);
        P0fLookup next = get(client.lookup(ip("10.0.0.2")));

        assertThat(next.fingerprint().orElseThrow().osFlavor()).contains("10.0.0.2");
        assertThat(listener.completed).containsExactly(next);
    }

    @Test
    void beyondTheInFlightBoundLookupsFailFastOverloaded() throws Exception {
        FakeP0fServer fake = echoing(fake()).neverAnswering();
        V3P0fClient client = track(new V3P0fClient(config(fake.endpoint(), 1).timeout(Duration.ofSeconds(2)).build(),
            listener, ticker, 4, V3P0fClient.BACKGROUND_DRAIN));
        List<CompletableFuture<P0fLookup>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(client.lookup(ip("10.0.0." + i)));
        }

        CompletableFuture<P0fLookup> refused = client.lookup(ip("10.0.0.9"));

        assertThat(refused).isDone();
        assertThat(failureKind(refused.join())).isEqualTo(Kind.OVERLOADED);
        assertThat(client.status().lookupsInFlight()).isEqualTo(4);
        fake.normally();
        for (CompletableFuture<P0fLookup> f : waiting) {
            assertThat(get(f).isMatch()).isTrue();
        }
    }

    // ----- back-off

    @Test
    void missingSocketBacksOffWithoutTouchingTheSocketUntilTheWindowPasses(@TempDir Path dir) throws Exception {
        assumeUnixSockets();
        Path socket = dir.resolve("p0f.sock");
        V3P0fClient client = client(socket, 1);

        P0fLookup first = get(client.lookup(ip("10.0.0.1")));
        assertThat(failureKind(first)).isEqualTo(Kind.SOCKET_MISSING);
        assertThat(first.failure().orElseThrow().message()).contains("nothing at " + socket);

        FakeP0fServer fake = track(FakeP0fServer.start(socket)).answering(WINDOWS);
        for (int i = 0; i < 5; i++) {
            CompletableFuture<P0fLookup> fast = client.lookup(ip("10.0.0.1"));
            assertThat(fast).isDone();
            assertThat(failureKind(fast.join())).isEqualTo(Kind.BACKING_OFF);
            assertThat(fast.join().failure().orElseThrow().message()).contains("SOCKET_MISSING");
        }
        assertThat(fake.connectionsAccepted()).isZero();
        assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.BACKING_OFF);
        assertThat(client.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("nothing at " + socket));

        ticker.advance(RETRY_WINDOW);
        assertThat(get(client.lookup(ip("10.0.0.1"))).isMatch()).isTrue();
        assertThat(listener.changes).containsExactly("IDLE->BACKING_OFF", "BACKING_OFF->CONNECTED");
        assertThat(listener.completed).hasSize(7);
    }

    @Test
    void staleSocketFileIsConnectionRefused(@TempDir Path dir) throws Exception {
        assumeUnixSockets();
        Path socket = StaleSocket.at(dir.resolve("p0f.sock"));
        assertThat(socket).exists();
        V3P0fClient client = client(socket, 1);

        P0fLookup lookup = get(client.lookup(ip("10.0.0.1")));

        assertThat(failureKind(lookup)).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(lookup.failure().orElseThrow().message()).contains("a stale socket");
        assertThat(failureKind(get(client.lookup(ip("10.0.0.1"))))).isEqualTo(Kind.BACKING_OFF);
    }

    @Test
    void aPlainFileIsNamedAsNotASocket(@TempDir Path dir) throws Exception {
        assumeUnixSockets();
        Path notSocket = Files.writeString(dir.resolve("p0f.sock"), "hello");
        V3P0fClient client = client(notSocket, 1);

        P0fLookup lookup = get(client.lookup(ip("10.0.0.1")));

        assertThat(failureKind(lookup)).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(lookup.failure().orElseThrow().message()).contains("is a regular file, not a socket").doesNotContain("stale");
    }

    @Test
    void timeoutsBackOffToo() throws Exception {
        FakeP0fServer fake = echoing(fake()).neverAnswering();
        V3P0fClient client = client(fake.endpoint(), 2);

        assertTimesOut(client.lookup(ip("10.0.0.1")));
        P0fLookup fast = client.lookup(ip("10.0.0.2")).join();

        assertThat(failureKind(fast)).isEqualTo(Kind.BACKING_OFF);
        assertThat(fast.failure().orElseThrow().message()).contains("TIMEOUT");
        assertThat(listener.changes).containsExactly("IDLE->BACKING_OFF");
        fake.normally();
    }

    // ----- cache

    @Test
    void matchesAreCachedForTheirTimeToLive() throws Exception {
        FakeP0fServer fake = fake().answering(WINDOWS);
        V3P0fClient client = client(config(fake.endpoint(), 1).cacheTtl(Duration.ofSeconds(60)).cacheSize(2));

        assertThat(get(client.lookup(ip("127.0.0.5"))).fromCache()).isFalse();
        InetAddress mapped = Inet6Address.getByAddress(null,
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 5}, null);
        P0fLookup hit = client.lookup(mapped).join();
        assertThat(hit.fromCache()).isTrue();
        assertThat(hit.fingerprint()).contains(WINDOWS);
        assertThat(fake.queries()).hasSize(1);

        ticker.advance(Duration.ofSeconds(60));
        assertThat(get(client.lookup(ip("127.0.0.5"))).fromCache()).isFalse();
        assertThat(fake.queries()).hasSize(2);

        get(client.lookup(ip("127.0.0.6")));
        get(client.lookup(ip("127.0.0.7")));
        assertThat(client.status().cacheSize()).isEqualTo(2);
        assertThat(listener.completed).hasSize(5);
    }

    @Test
    void noMatchIsNotCachedAndTtlZeroCachesNothing() throws Exception {
        FakeP0fServer fake = fake().answeringNoMatch();
        V3P0fClient caching = client(config(fake.endpoint(), 1).cacheTtl(Duration.ofSeconds(60)));
        get(caching.lookup(ip("127.0.0.5")));
        get(caching.lookup(ip("127.0.0.5")));
        assertThat(fake.queries()).hasSize(2);

        fake.answering(WINDOWS);
        V3P0fClient off = client(fake.endpoint(), 1);
        get(off.lookup(ip("127.0.0.5")));
        assertThat(get(off.lookup(ip("127.0.0.5"))).fromCache()).isFalse();
        assertThat(fake.queries()).hasSize(4);
    }

    // ----- close

    @Test
    void closeCompletesWaitingLookupsClosedAndDrainsAnswersStillComing() throws Exception {
        FakeP0fServer fake = echoing(fake()).slowly(Duration.ofMillis(150));
        V3P0fClient client = client(config(fake.endpoint(), 1).timeout(Duration.ofSeconds(2)));
        List<CompletableFuture<P0fLookup>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(client.lookup(ip("10.0.0." + i)));
        }
        fake.awaitQueries(1, Duration.ofSeconds(2));

        client.close();

        for (CompletableFuture<P0fLookup> f : waiting) {
            assertThat(f).isDone();
            assertThat(failureKind(f.join())).isEqualTo(Kind.CLOSED);
        }
        Thread.sleep(100);
        assertThat(fake.undeliveredAnswers()).as("answers written to a closed client (SIGPIPE for p0f)").isZero();
        assertThat(failureKind(client.lookup(ip("10.0.0.1")).join())).isEqualTo(Kind.CLOSED);
        assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.CLOSED);
        assertThat(listener.changes).containsExactly("IDLE->CLOSED");
    }

    @Test
    void closeGivesUpOnAStalledP0fAfterABoundedDrain() throws Exception {
        FakeP0fServer fake = echoing(fake()).neverAnswering();
        V3P0fClient client = client(fake.endpoint(), 1);
        CompletableFuture<P0fLookup> waiting = client.lookup(ip("10.0.0.1"));
        fake.awaitQueries(1, Duration.ofSeconds(2));

        long start = System.nanoTime();
        client.close();

        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
        assertThat(failureKind(waiting.join())).isEqualTo(Kind.CLOSED);
    }

    // ----- bad input

    @Test
    void nullAndUnresolvedAddressesAreUnsupportedQueries() throws Exception {
        V3P0fClient client = client(Path.of("/nonexistent/p0f.sock"), 1);

        assertThat(failureKind(client.lookup((InetAddress) null).join())).isEqualTo(Kind.UNSUPPORTED_QUERY);
        assertThat(failureKind(client.lookup(InetSocketAddress.createUnresolved("mx.example", 25), null).join()))
            .isEqualTo(Kind.UNSUPPORTED_QUERY);
    }

    // ----- helpers

    void assertUsableAfter(FakeP0fServer fake, V3P0fClient client) throws Exception {
        fake.normally();
        ticker.advance(RETRY_WINDOW);
        P0fLookup lookup = get(client.lookup(ip("10.0.0.99")));
        assertThat(lookup.isMatch()).as(lookup.toString()).isTrue();
        assertThat(lookup.fingerprint().orElseThrow().osFlavor()).contains("10.0.0.99");
        assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.CONNECTED);
    }

    static void assertTimesOut(CompletableFuture<P0fLookup> future) throws Exception {
        long start = System.nanoTime();
        P0fLookup lookup = future.get(TIMEOUT.toMillis() + SLACK_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(failureKind(lookup)).as(lookup.toString()).isEqualTo(Kind.TIMEOUT);
        assertThat(lookup.failure().orElseThrow().message()).contains("within 200 ms");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(TIMEOUT.toMillis() + SLACK_MILLIS));
    }

    static Kind failureKind(P0fLookup lookup) {
        return lookup.failure().map(f -> f.kind()).orElse(null);
    }

    static P0fLookup get(CompletableFuture<P0fLookup> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    /** The fake p0f the tests talk to: on a unix socket here. */
    FakeP0fServer startFake() throws IOException {
        return FakeP0fServer.start();
    }

    /** For the tests of what is at a socket's path. */
    void assumeUnixSockets() {
    }

    FakeP0fServer fake() throws IOException {
        return track(startFake());
    }

    /** Answers every query with os_flavor = the address asked, to check pairing. */
    static FakeP0fServer echoing(FakeP0fServer fake) {
        return fake.answering(q -> P0fWire.v3Ok(Fingerprint.builder(3).osName("Echo")
            .osFlavor(q.address().getHostAddress()).build()));
    }

    P0fClientConfig.Builder config(P0fEndpoint endpoint, int connections) {
        return P0fClientConfig.builder(endpoint).timeout(TIMEOUT).connections(connections).cacheTtl(Duration.ZERO)
            .noMatchRetryDelay(Duration.ZERO).retryWindow(RETRY_WINDOW);
    }

    V3P0fClient client(Path socket, int connections) {
        return client(P0fEndpoint.unix(socket), connections);
    }

    V3P0fClient client(P0fEndpoint endpoint, int connections) {
        return client(config(endpoint, connections));
    }

    V3P0fClient client(P0fClientConfig.Builder config) {
        return track(new V3P0fClient(config.build(), listener, ticker, V3P0fClient.DEFAULT_MAX_IN_FLIGHT,
            V3P0fClient.BACKGROUND_DRAIN));
    }

    <T extends AutoCloseable> T track(T closeable) {
        return closer.track(closeable);
    }

    static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }
}
