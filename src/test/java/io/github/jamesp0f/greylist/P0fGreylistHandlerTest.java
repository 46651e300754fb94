package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.james.TestSmtpSession;

class P0fGreylistHandlerTest {

    private static final P0fLookup WINDOWS = P0fLookup.match(Fingerprint.builder(3)
        .osName("Windows").osFlavor("7 or 8").linkType("Ethernet or modem").distance(15).build());
    private static final P0fLookup LINUX = P0fLookup.match(Fingerprint.builder(3)
        .osName("Linux").osFlavor("2.2.x-3.x").linkType("Ethernet or modem").distance(0).build());

    private final TestClock clock = new TestClock();
    private RecordingMetricFactory metricFactory;
    private P0fGreylistHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        handler = handler(windowsOnly());
    }

    private static BaseHierarchicalConfiguration windowsOnly() {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("os", "^windows");
        return config;
    }

    /** Greylisting Windows, with these extra elements (name, value, ...). */
    private P0fGreylistHandler windowsOnlyWith(String... elementsAndValues) throws Exception {
        BaseHierarchicalConfiguration config = windowsOnly();
        for (int i = 0; i < elementsAndValues.length; i += 2) {
            config.addProperty(elementsAndValues[i], elementsAndValues[i + 1]);
        }
        return handler(config);
    }

    private P0fGreylistHandler handler(BaseHierarchicalConfiguration config) throws Exception {
        metricFactory = new RecordingMetricFactory();
        P0fGreylistHandler created = new P0fGreylistHandler(new P0fMetrics(metricFactory), clock, null);
        created.init(config);
        return created;
    }

    private HookResult rcpt(TestSmtpSession session) throws Exception {
        return handler.doRcpt(session, MaybeSender.getMailSender("sender@example.com"), new MailAddress("rcpt@example.org"));
    }

    private static TestSmtpSession windowsClient(String address) throws Exception {
        return LookedUpSession.from(address, WINDOWS);
    }

    private static void assertDeferred(HookResult result) {
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(result.getSmtpDescription()).startsWith("4.7.1 ").containsIgnoringCase("try again later");
    }

    private static void assertPassed(HookResult result) {
        assertThat(result).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void firstAttemptFromWindowsIsDeferredWith451() throws Exception {
        assertDeferred(rcpt(windowsClient("192.0.2.7")));
        assertThat(metricFactory.countFor("p0f_greylist_deferred")).isEqualTo(1);
    }

    @Test
    void earlyRetryIsDeferredAgain() throws Exception {
        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofMinutes(4));

        assertDeferred(rcpt(windowsClient("192.0.2.7")));
    }

    @Test
    void retryAfterTheBlockTimePasses() throws Exception {
        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofMinutes(5));

        assertPassed(rcpt(windowsClient("192.0.2.7")));
        assertThat(metricFactory.countFor("p0f_greylist_passed")).isEqualTo(1);
    }

    @Test
    void unseenTripletExpires() throws Exception {
        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofHours(4));

        assertDeferred(rcpt(windowsClient("192.0.2.7")));
    }

    @Test
    void whitelistedTripletExpiresAfter36DaysUnused() throws Exception {
        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofMinutes(5));
        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofDays(35));
        assertPassed(rcpt(windowsClient("192.0.2.7")));
        clock.advance(Duration.ofDays(36));

        assertDeferred(rcpt(windowsClient("192.0.2.7")));
    }

    @Test
    void configuredDurationsAreUsed() throws Exception {
        handler = windowsOnlyWith("blockTime", "2s", "unseenLifetime", "1m", "whitelistLifetime", "1h");

        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofSeconds(2));
        assertPassed(rcpt(windowsClient("192.0.2.7")));
        clock.advance(Duration.ofHours(1));
        assertDeferred(rcpt(windowsClient("192.0.2.7")));
    }

    @Test
    void byAddressAnotherHostOfTheSameNetworkStartsOver() throws Exception {
        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofMinutes(5));

        assertDeferred(rcpt(windowsClient("192.0.2.8")));
    }

    @Test
    void groupedByNetworkARetryFromAnotherHostOfTheSame24Passes() throws Exception {
        handler = windowsOnlyWith("groupByNetwork", "true");

        rcpt(windowsClient("192.0.2.7"));
        clock.advance(Duration.ofMinutes(5));

        assertPassed(rcpt(windowsClient("192.0.2.200")));
        assertDeferred(rcpt(windowsClient("192.0.3.7")));
    }

    @Test
    void groupedByNetworkIpv6IsGroupedBy64() throws Exception {
        handler = windowsOnlyWith("groupByNetwork", "true");

        rcpt(windowsClient("2001:db8:1:2::7"));
        clock.advance(Duration.ofMinutes(5));

        assertPassed(rcpt(windowsClient("2001:db8:1:2:ffff::1")));
        assertDeferred(rcpt(windowsClient("2001:db8:1:3::7")));
    }

    @Test
    void relayingSessionsAreNeverGreylisted() throws Exception {
        assertPassed(rcpt(windowsClient("192.0.2.7").relaying()));
        assertThat(metricFactory.countFor("p0f_greylist_passed")).isZero();
    }

    @Test
    void authenticatedSessionsAreNeverGreylisted() throws Exception {
        assertPassed(rcpt(windowsClient("192.0.2.7").authenticatedAs("alice@example.org")));
    }

    @Test
    void nonMatchingOsPassesAtOnce() throws Exception {
        assertPassed(rcpt(LookedUpSession.from("192.0.2.7", LINUX)));
        assertThat(metricFactory.countFor("p0f_greylist_deferred")).isZero();
    }

    @Test
    void clientsWithoutFingerprintPassUnlessConfigured() throws Exception {
        assertPassed(rcpt(LookedUpSession.from("192.0.2.7", P0fLookup.noMatch())));
        assertPassed(rcpt(TestSmtpSession.from("192.0.2.7")));

        handler = windowsOnlyWith("greylistUnknown", "true");
        assertDeferred(rcpt(LookedUpSession.from("192.0.2.7", P0fLookup.noMatch())));
    }

    @Test
    void aFailedLookupNeverGreylists() throws Exception {
        handler = windowsOnlyWith("greylistUnknown", "true");

        assertPassed(rcpt(LookedUpSession.from("192.0.2.7", P0fLookup.failed(P0fFailure.Kind.TIMEOUT, "slow"))));
    }

    @Test
    void linkTypeAndDistanceConditionsMustAllHold() throws Exception {
        handler = windowsOnlyWith("linkType", "ethernet", "distanceGreaterThan", "10");
        P0fLookup nearWindows = P0fLookup.match(Fingerprint.builder(3)
            .osName("Windows").osFlavor("XP").linkType("Ethernet or modem").distance(3).build());
        P0fLookup windowsOverDsl = P0fLookup.match(Fingerprint.builder(3)
            .osName("Windows").osFlavor("XP").linkType("DSL").distance(15).build());

        assertDeferred(rcpt(windowsClient("192.0.2.7")));
        assertPassed(rcpt(LookedUpSession.from("192.0.2.8", nearWindows)));
        assertPassed(rcpt(LookedUpSession.from("192.0.2.9", windowsOverDsl)));
    }

    @Test
    void aFailingStoreLetsMailThroughAndIsLeftAloneForTheRetryDelay() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        handler = new P0fGreylistHandler(new P0fMetrics(new RecordingMetricFactory()), clock, parsed -> new GreylistStore() {
            @Override
            public GreylistVerdict decide(Triplet triplet, long nowMillis) {
                calls.incrementAndGet();
                throw new GreylistStoreException("database down", null);
            }

            @Override
            public long size() {
                return 0;
            }

            @Override
            public void close() {
            }
        });
        handler.init(windowsOnly());

        assertPassed(rcpt(windowsClient("192.0.2.7")));
        assertPassed(rcpt(windowsClient("192.0.2.7")));
        assertThat(calls).hasValue(1);
        clock.advance(GreylistConfig.DEFAULT_STORE_RETRY_DELAY);
        assertPassed(rcpt(windowsClient("192.0.2.7")));
        assertThat(calls).hasValue(2);
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-22T03:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
