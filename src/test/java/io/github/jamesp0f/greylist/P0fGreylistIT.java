package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SmtpTestClient;

/**
 * A real James with the packaged jar, a real p0f on loopback (loaded with contrib/p0f/p0f.fp) and
 * crafted SYNs: the samples' {@code <os>^windows</os>} greylists a Windows 10/11 client exactly like
 * a Windows 7 or 8 one; Linux clients, a modern server's SYN among them, are not greylisted.
 */
class P0fGreylistIT {

    private static final Duration BLOCK_TIME = Duration.ofSeconds(2);
    private static final String WINDOWS_CLIENT = "127.0.0.77";
    private static final String WINDOWS_10_CLIENT = "127.0.0.76";
    private static final String LINUX_CLIENT = "127.0.0.1";
    /** Sends the SYN a Linux 6.18 server sends through a veth (crafted): "Linux 4.19 and newer". */
    private static final String MODERN_LINUX_SERVER = "127.0.0.75";

    private static RealP0f p0f;
    private static RealDns dns;
    private static JamesTestServer james;

    @BeforeAll
    static void start() throws Exception {
        CraftedSyn.assumeAvailable();
        RealDns.assumeAvailable();
        // James's own DNS on a loopback server that answers at once (NXDOMAIN): no reverse-lookup stalls.
        dns = RealDns.start();
        int port = FreePorts.next();
        p0f = RealP0f.builder().watchPort(port).start();
        CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName(WINDOWS_CLIENT));
        for (CraftedSyn.Profile profile : new CraftedSyn.Profile[] {CraftedSyn.Profile.WINDOWS_10, CraftedSyn.Profile.LINUX_MODERN}) {
            String source = profile == CraftedSyn.Profile.WINDOWS_10 ? WINDOWS_10_CLIENT : MODERN_LINUX_SERVER;
            assertThat(CraftedSyn.sendAndAwait(p0f, profile, InetAddress.getByName(source)).osFlavor())
                .as("p0f's label for %s", profile).isEqualTo(profile.osFlavor());
        }
        james = GreylistJames.start(port, p0f.socketPath(),
            "<os>^windows</os><blockTime>" + BLOCK_TIME.toSeconds() + "s</blockTime>", dns.jamesDnsServiceXml());
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {WINDOWS_CLIENT, WINDOWS_10_CLIENT})
    void windowsClientIsDeferredAtRcptAndAcceptedOnRetryAfterTheBlockTime(String client) throws Exception {
        String sender = "first-" + client + "@windows.example";
        try (SmtpTestClient smtp = SmtpTestClient.connect(james, client)) {
            smtp.ehlo("pc.windows.example");
            assertThat(smtp.mailFrom(sender)).isEqualTo(250);
            assertThat(smtp.rcptTo(GreylistJames.RECIPIENT)).isEqualTo(451);
            assertThat(smtp.lastReply().text()).contains("4.7.1").containsIgnoringCase("try again later");
        }
        try (SmtpTestClient tooEarly = SmtpTestClient.connect(james, client)) {
            assertThat(tooEarly.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(451);
        }

        Thread.sleep(BLOCK_TIME.toMillis() + 200);

        try (SmtpTestClient retry = SmtpTestClient.connect(james, client)) {
            assertThat(retry.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(250);
        }
        GreylistJames.awaitMailFrom(james, sender);
    }

    @Test
    void anUnreachableDatabaseLetsWindowsMailThrough() throws Exception {
        String sender = "failopen@windows.example";
        try (JamesTestServer failOpen = GreylistJames.start(FreePorts.next(), p0f.socketPath(),
                "<os>^windows</os><jdbc><url>jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/none</url>"
                    + "<connectionTimeout>250ms</connectionTimeout></jdbc>", dns.jamesDnsServiceXml());
             SmtpTestClient smtp = SmtpTestClient.connect(failOpen, WINDOWS_CLIENT)) {
            assertThat(smtp.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(250);
            GreylistJames.awaitMailFrom(failOpen, sender);
        }
    }

    @Test
    void aBadGreylistSettingStopsJamesNamingTheElement() {
        assertThatThrownBy(() -> GreylistJames.start(FreePorts.next(), p0f.socketPath(),
                "<os>^windows</os><blockTime>soon</blockTime>").close())
            .satisfies(error -> {
                StringBuilder messages = new StringBuilder();
                for (Throwable t = error; t != null; t = t.getCause()) {
                    messages.append(t.getMessage()).append('\n');
                }
                assertThat(messages.toString()).contains("<blockTime>");
            });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {LINUX_CLIENT, MODERN_LINUX_SERVER})
    void linuxClientIsAcceptedAtOnce(String client) throws Exception {
        String sender = "linux-" + client + "@linux.example";
        try (SmtpTestClient smtp = SmtpTestClient.connect(james, client)) {
            assertThat(smtp.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(250);
        }
        GreylistJames.awaitMailFrom(james, sender);
    }
}
