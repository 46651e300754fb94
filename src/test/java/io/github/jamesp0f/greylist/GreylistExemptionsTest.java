package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.File;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.Attribute;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.dns.ReverseName;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.smtp.NoResponse;
import io.github.jamesp0f.smtp.SessionFingerprint;
import io.github.jamesp0f.testing.james.TestSmtpSession;

/**
 * The handler's exemptions, keys and auto-whitelisting, with a scripted reverse DNS and a clock the
 * test moves (FCrDNS itself is tested against a real DNS server in ForwardConfirmedDnsTest).
 */
class GreylistExemptionsTest {

    private static final P0fLookup WINDOWS = P0fLookup.match(Fingerprint.builder(3)
        .osName("Windows").osFlavor("7 or 8").linkType("Ethernet or modem").distance(15).build());
    private static final P0fLookup LINUX = P0fLookup.match(Fingerprint.builder(3)
        .osName("Linux").osFlavor("3.x").linkType("Ethernet or modem").distance(0).build());

    private final P0fGreylistHandlerTest.TestClock clock = new P0fGreylistHandlerTest.TestClock();
    private final Map<String, ReverseName> dns = new HashMap<>();
    private final List<String> dnsQueries = new ArrayList<>();
    private final RecordingMetricFactory metricFactory = new RecordingMetricFactory();

    private P0fGreylistHandler handler(String... elementsAndValues) throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("os", "^windows");
        for (int i = 0; i < elementsAndValues.length; i += 2) {
            config.addProperty(elementsAndValues[i], elementsAndValues[i + 1]);
        }
        P0fGreylistHandler handler = new P0fGreylistHandler(new P0fMetrics(metricFactory), clock, null,
            parsed -> this::reverseDns, File::new);
        handler.init(config);
        return handler;
    }

    private CompletableFuture<ReverseName> reverseDns(InetAddress address) {
        dnsQueries.add(address.getHostAddress());
        return CompletableFuture.completedFuture(
            dns.getOrDefault(address.getHostAddress(), ReverseName.unconfirmed("no PTR record")));
    }

    /** A whole transaction as James runs this handler: connect, then RCPT. */
    private static HookResult send(P0fGreylistHandler handler, TestSmtpSession session, String sender) throws Exception {
        assertThat(handler.onConnect(session)).isSameAs(NoResponse.INSTANCE);
        return handler.doRcpt(session, MaybeSender.getMailSender(sender), new MailAddress("rcpt@example.org"));
    }

    private static TestSmtpSession windows(String address) {
        return LookedUpSession.from(address, WINDOWS);
    }

    private static boolean deferred(HookResult result) {
        return result.getResult().equals(HookReturnCode.denySoft());
    }

    @Test
    void aWindowsClientWhoseConfirmedNameIsInTheDefaultListPassesAtOnce() throws Exception {
        dns.put("192.0.2.7", ReverseName.confirmed("mail-ab1.outbound.protection.outlook.com."));
        P0fGreylistHandler handler = handler();

        assertThat(send(handler, windows("192.0.2.7"), "a@contoso.example")).isEqualTo(HookResult.DECLINED);
        assertThat(metricFactory.countFor("p0f_greylist_exempted_hostname")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_greylist_deferred")).isZero();
    }

    @Test
    void theSameClientWithoutAConfirmedNameIsGreylisted() throws Exception {
        P0fGreylistHandler handler = handler();

        assertThat(deferred(send(handler, windows("192.0.2.7"), "a@contoso.example"))).isTrue();
        assertThat(metricFactory.countFor("p0f_greylist_exempted_hostname")).isZero();
    }

    @Test
    void aDnsFailureIsNotAnExemption() throws Exception {
        dns.put("192.0.2.7", ReverseName.failed("no answer within 3000 ms"));
        P0fGreylistHandler handler = handler();

        assertThat(deferred(send(handler, windows("192.0.2.7"), "a@contoso.example"))).isTrue();
        assertThat(metricFactory.countFor("p0f_greylist_dns_failures")).isEqualTo(1);
    }

    @Test
    void clientsThatWouldNotBeGreylistedCostNoDnsQuery() throws Exception {
        P0fGreylistHandler handler = handler();

        send(handler, LookedUpSession.from("192.0.2.8", LINUX), "a@example.com");
        send(handler, windows("192.0.2.9").relaying(), "b@example.com");

        assertThat(dnsQueries).isEmpty();
    }

    @Test
    void oneLookupPerAddressWhileCached() throws Exception {
        P0fGreylistHandler handler = handler();
        send(handler, windows("192.0.2.7"), "a@example.com");
        send(handler, windows("192.0.2.7"), "b@example.com");
        assertThat(dnsQueries).containsExactly("192.0.2.7");

        clock.advance(GreylistConfig.DEFAULT_DNS_CACHE_LIFETIME);
        send(handler, windows("192.0.2.7"), "c@example.com");
        assertThat(dnsQueries).containsExactly("192.0.2.7", "192.0.2.7");
    }

    @Test
    void inlineEntriesExtendTheListAndNoneTurnsTheFileOff() throws Exception {
        dns.put("192.0.2.7", ReverseName.confirmed("mx1.partner.example"));
        dns.put("192.0.2.8", ReverseName.confirmed("mail-ab1.outbound.protection.outlook.com"));
        P0fGreylistHandler handler = handler("exemptHostnamesFile", "none", "exemptHostnames", "partner.example");

        assertThat(send(handler, windows("192.0.2.7"), "a@partner.example")).isEqualTo(HookResult.DECLINED);
        assertThat(deferred(send(handler, windows("192.0.2.8"), "a@contoso.example"))).isTrue();
    }

    @Test
    void byHostnameARetryFromAnotherMemberOfThePoolPasses() throws Exception {
        dns.put("198.51.100.7", ReverseName.confirmed("out-1.pool.example"));
        dns.put("203.0.113.9", ReverseName.confirmed("out-2.pool.example"));
        P0fGreylistHandler handler = handler("keyBy", "hostname", "exemptHostnamesFile", "none");

        assertThat(deferred(send(handler, windows("198.51.100.7"), "a@pool.example"))).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(send(handler, windows("203.0.113.9"), "a@pool.example")).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void byAddressARetryFromAnotherMemberOfThePoolStartsOver() throws Exception {
        dns.put("198.51.100.7", ReverseName.confirmed("out-1.pool.example"));
        dns.put("203.0.113.9", ReverseName.confirmed("out-2.pool.example"));
        P0fGreylistHandler handler = handler("keyBy", "address", "exemptHostnamesFile", "none");

        send(handler, windows("198.51.100.7"), "a@pool.example");
        clock.advance(Duration.ofMinutes(5));
        assertThat(deferred(send(handler, windows("203.0.113.9"), "a@pool.example"))).isTrue();
    }

    @Test
    void byHostnameWithoutAConfirmedNameTheNetworkIsTheKey() throws Exception {
        P0fGreylistHandler handler = handler("keyBy", "hostname", "exemptHostnamesFile", "none");

        send(handler, windows("198.51.100.7"), "a@pool.example");
        clock.advance(Duration.ofMinutes(5));
        assertThat(send(handler, windows("198.51.100.8"), "a@pool.example")).isEqualTo(HookResult.DECLINED);
        assertThat(deferred(send(handler, windows("198.51.101.8"), "b@pool.example"))).isTrue();
    }

    @Test
    void aClientIsAutoWhitelistedAfterNPassesForTheWhitelistLifetime() throws Exception {
        P0fGreylistHandler handler = handler("autoWhitelistAfter", "2", "whitelistLifetime", "1d");
        for (int i = 0; i < 2; i++) {
            assertThat(deferred(send(handler, windows("192.0.2.7"), "s" + i + "@example.com"))).isTrue();
            clock.advance(Duration.ofMinutes(5));
            assertThat(send(handler, windows("192.0.2.7"), "s" + i + "@example.com")).isEqualTo(HookResult.DECLINED);
        }

        assertThat(send(handler, windows("192.0.2.7"), "new@example.com")).isEqualTo(HookResult.DECLINED);
        assertThat(metricFactory.countFor("p0f_greylist_exempted_auto_whitelist")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_greylist_passed")).isEqualTo(2);

        clock.advance(Duration.ofDays(1));
        assertThat(deferred(send(handler, windows("192.0.2.7"), "later@example.com"))).isTrue();
    }

    @Test
    void autoWhitelistingCanBeTurnedOff() throws Exception {
        P0fGreylistHandler handler = handler("autoWhitelistAfter", "0");
        for (int i = 0; i < 6; i++) {
            send(handler, windows("192.0.2.7"), "s" + i + "@example.com");
            clock.advance(Duration.ofMinutes(5));
            send(handler, windows("192.0.2.7"), "s" + i + "@example.com");
        }

        assertThat(deferred(send(handler, windows("192.0.2.7"), "new@example.com"))).isTrue();
    }

    @Test
    void theMailCarriesHowLongGreylistingDelayedIt() throws Exception {
        dns.put("192.0.2.9", ReverseName.confirmed("mail-ab1.outbound.protection.outlook.com"));
        P0fGreylistHandler handler = handler();
        send(handler, windows("192.0.2.7"), "a@example.com");
        clock.advance(Duration.ofMinutes(7));

        TestSmtpSession retry = windows("192.0.2.7");
        assertThat(send(handler, retry, "a@example.com")).isEqualTo(HookResult.DECLINED);
        assertThat(greylistAttribute(handler, retry)).contains("420");

        TestSmtpSession exempt = windows("192.0.2.9");
        send(handler, exempt, "b@contoso.example");
        assertThat(greylistAttribute(handler, exempt)).contains("0");

        TestSmtpSession linux = LookedUpSession.from("192.0.2.8", LINUX);
        send(handler, linux, "c@example.com");
        assertThat(greylistAttribute(handler, linux)).isEmpty();
    }

    private static java.util.Optional<Object> greylistAttribute(P0fGreylistHandler handler, TestSmtpSession session)
        throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        assertThat(handler.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        return mail.getAttribute(P0fAttributes.GREYLIST).map(Attribute::getValue).map(value -> value.value());
    }

    @Test
    void aLookupStillPendingAtConnectIsScreenedWhenP0fAnswers() throws Exception {
        dns.put("192.0.2.7", ReverseName.confirmed("mail-ab1.outbound.protection.outlook.com"));
        P0fGreylistHandler handler = handler();
        CompletableFuture<P0fLookup> p0f = new CompletableFuture<>();
        TestSmtpSession session = TestSmtpSession.from("192.0.2.7");
        SessionFingerprint.attach(session, p0f);

        handler.onConnect(session);
        assertThat(dnsQueries).isEmpty();
        p0f.complete(WINDOWS);

        assertThat(dnsQueries).containsExactly("192.0.2.7");
        assertThat(handler.doRcpt(session, MaybeSender.getMailSender("a@contoso.example"),
            new MailAddress("rcpt@example.org"))).isEqualTo(HookResult.DECLINED);
        assertThat(metricFactory.countFor("p0f_greylist_exempted_hostname")).isEqualTo(1);
    }

    @Test
    void aReverseLookupStillPendingAtRcptIsNotAnExemption() throws Exception {
        P0fGreylistHandler handler = new P0fGreylistHandler(new P0fMetrics(metricFactory), clock, null,
            parsed -> address -> new CompletableFuture<>(), File::new);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("os", "^windows");
        handler.init(config);

        // A handler that waited for the DNS would hang (join() ignores interrupts): fail instead.
        HookResult result = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> send(handler, windows("192.0.2.7"), "a@contoso.example"));
        assertThat(deferred(result)).isTrue();
    }

    @Test
    void declaredBeforeTheP0fHandlerItStillGreylistsButExemptsNobody() throws Exception {
        dns.put("192.0.2.7", ReverseName.confirmed("mail-ab1.outbound.protection.outlook.com"));
        P0fGreylistHandler handler = handler();
        TestSmtpSession session = TestSmtpSession.from("192.0.2.7");

        handler.onConnect(session);
        SessionFingerprint.attach(session, CompletableFuture.completedFuture(WINDOWS));

        assertThat(deferred(handler.doRcpt(session, MaybeSender.getMailSender("a@contoso.example"),
            new MailAddress("rcpt@example.org")))).isTrue();
        assertThat(dnsQueries).isEmpty();
    }
}
