package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.SmtpTestClient;

/**
 * A real James whose dnsservice.xml points at a real DNS server (unbound on loopback), a real p0f
 * and crafted Windows SYNs: exemptions by confirmed host name, pool keys, auto-whitelisting and a
 * DNS server that does not answer. One James (keyBy hostname) for the class; a second one, keyed
 * by address, for the one test that compares.
 */
class GreylistExemptionIT {

    private static final Duration BLOCK_TIME = Duration.ofSeconds(2);
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);
    /** Confirmed name in the default list (outlook.com). */
    private static final String MICROSOFT = "127.0.0.65";
    /** No PTR record. */
    private static final String NO_PTR = "127.0.0.66";
    /** A PTR name that does not resolve back: not confirmed, so not exempt despite the name. */
    private static final String FORGED_PTR = "127.0.0.67";
    private static final String POOL_1 = "127.0.0.70";
    private static final String POOL_2 = "127.0.0.71";
    private static final String REGULAR = "127.0.0.72";
    /** Looked up only while the DNS server is stalled. */
    private static final String UNANSWERED = "127.0.0.75";

    private static RealP0f p0f;
    private static RealDns dns;
    private static JamesTestServer james;

    @BeforeAll
    static void start() throws Exception {
        CraftedSyn.assumeAvailable();
        RealDns.assumeAvailable();
        dns = RealDns.start();
        dns.host("mail-ab1.outbound.protection.outlook.com", MICROSOFT)
            .ptr(FORGED_PTR, "mail-zz9.outbound.protection.outlook.com")
            .host("out-1.pool.example", POOL_1)
            .host("out-2.pool.example", POOL_2)
            .host("mx.regular.example", REGULAR);
        int port = FreePorts.next();
        p0f = RealP0f.builder().watchPort(port).start();
        for (String client : new String[] {MICROSOFT, NO_PTR, FORGED_PTR, POOL_1, POOL_2, REGULAR, UNANSWERED}) {
            CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName(client));
        }
        james = GreylistJames.start(port, p0f.socketPath(), elements("hostname"), dns.jamesDnsServiceXml());
    }

    private static String elements(String keyBy) {
        return "<os>^windows</os><blockTime>" + BLOCK_TIME.toSeconds() + "s</blockTime><keyBy>" + keyBy + "</keyBy>"
            + "<autoWhitelistAfter>2</autoWhitelistAfter><dnsTimeout>" + DNS_TIMEOUT.toMillis() + "ms</dnsTimeout>";
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (p0f != null) {
            p0f.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static int send(JamesTestServer server, String client, String sender) {
        try (SmtpTestClient smtp = SmtpTestClient.connect(server, client)) {
            return smtp.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE);
        }
    }

    @Test
    void aWindowsServerWhoseConfirmedNameIsInTheDefaultListPassesAtOnce() throws Exception {
        assertThat(send(james, MICROSOFT, "ceo@contoso.example")).isEqualTo(250);
        GreylistJames.awaitMailFrom(james, "ceo@contoso.example");

        Mail mail = delivered("ceo@contoso.example");
        assertThat(mail.getAttribute(org.apache.mailet.AttributeName.of("p0f.greylist"))
            .map(attribute -> (Object) attribute.getValue().value())).contains("0");
        assertThat(mail.getMessage().getHeader("X-P0F-Greylist")).containsExactly("not delayed");
    }

    private static Mail delivered(String sender) {
        return james.mails(SampleConfigs.DELIVERED).stream()
            .filter(mail -> mail.getMaybeSender().asString().equals(sender)).findFirst().orElseThrow();
    }

    @Test
    void aWindowsClientWithoutPtrIsGreylisted() {
        assertThat(send(james, NO_PTR, "pc@home.example")).isEqualTo(451);
    }

    @Test
    void aPtrNameThatDoesNotResolveBackIsNotAnExemption() {
        assertThat(send(james, FORGED_PTR, "forger@spam.example")).isEqualTo(451);
    }

    @Test
    void byHostnameARetryFromAnotherAddressOfThePoolPassesByAddressItDoesNot() throws Exception {
        try (JamesTestServer byAddress = GreylistJames.start(FreePorts.next(), p0f.socketPath(),
                elements("address"), dns.jamesDnsServiceXml())) {
            assertThat(send(james, POOL_1, "news@pool.example")).isEqualTo(451);
            assertThat(send(byAddress, POOL_1, "news@pool.example")).isEqualTo(451);

            Thread.sleep(BLOCK_TIME.toMillis() + 200);

            assertThat(send(james, POOL_2, "news@pool.example")).isEqualTo(250);
            assertThat(send(byAddress, POOL_2, "news@pool.example")).isEqualTo(451);
            GreylistJames.awaitMailFrom(james, "news@pool.example");
            assertThat(delivered("news@pool.example").getMessage().getHeader("X-P0F-Greylist")[0])
                .matches("delayed [2-9] seconds");
        }
    }

    @Test
    void aClientIsNotGreylistedAgainAfterTwoPasses() throws Exception {
        assertThat(send(james, REGULAR, "one@regular.example")).isEqualTo(451);
        assertThat(send(james, REGULAR, "two@regular.example")).isEqualTo(451);

        Thread.sleep(BLOCK_TIME.toMillis() + 200);

        assertThat(send(james, REGULAR, "one@regular.example")).isEqualTo(250);
        assertThat(send(james, REGULAR, "two@regular.example")).isEqualTo(250);
        assertThat(send(james, REGULAR, "three@regular.example")).isEqualTo(250);
    }

    @Test
    void aDnsServerThatDoesNotAnswerDelaysTheClientByTheTimeoutThenItIsGreylisted() {
        dns.stall();
        try (SmtpTestClient smtp = SmtpTestClient.connect(james, UNANSWERED)) {
            long start = System.nanoTime();
            assertThat(smtp.ehlo("pc.example")).isEqualTo(250);
            assertThat(smtp.mailFrom("stalled@home.example")).isEqualTo(250);
            assertThat(smtp.rcptTo(GreylistJames.RECIPIENT)).isEqualTo(451);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(DNS_TIMEOUT.minusMillis(100)).isLessThan(DNS_TIMEOUT.plusSeconds(3));
        } finally {
            dns.resume();
        }
    }
}
