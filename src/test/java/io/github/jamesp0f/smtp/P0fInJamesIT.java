package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.mail.MessagingException;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.P0fRelay;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.Resources;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.SmtpTestClient;

/**
 * The sample configuration (conf-samples) in a real James with the packaged jar in
 * extensions-jars, a real p0f on loopback and real SMTP clients: Linux from 127.0.0.5 and ::1,
 * a crafted Windows 7 from 127.0.0.77, a crafted (blocked) Windows XP from 127.0.0.78, and crafted
 * SYNs of today's systems (Windows 10/11, Linux 4.19+, macOS/iOS) stamped as p0f logged them; and
 * a third server that asks the same p0f over TCP ({@code <p0fAddress>}) through the relay contrib/
 * ships. Attribute and header names are spelled out, as administrators write them.
 */
class P0fInJamesIT {

    static final String RECIPIENT = "user@example.test";
    /** Mail from the Internet: a sender of another domain (3.9's samples verify local senders' identity). */
    static final String SENDER = "sender@elsewhere.test";
    /** A user of this James, who authenticates on the submission port. */
    static final String USER = "sender@example.test";
    static final String PASSWORD = "secret";
    static final String LINUX_CLIENT = "127.0.0.5";
    static final String WINDOWS_7_CLIENT = "127.0.0.77";
    static final String WINDOWS_XP_CLIENT = "127.0.0.78";
    /** Crafted SYNs of today's systems, labelled by contrib/p0f/p0f.fp (the label suite's James part). */
    static final Map<CraftedSyn.Profile, String> TODAYS_CLIENTS = Map.of(
        CraftedSyn.Profile.WINDOWS_10, "127.0.0.70", CraftedSyn.Profile.LINUX_MODERN, "127.0.0.71",
        CraftedSyn.Profile.APPLE, "127.0.0.72");

    static RealP0f p0f;
    static JamesTestServer james;
    static int submissionPort;
    /** The server whose handler asks p0f over TCP, through {@link #relay}. */
    static int overTcpPort;
    /** Null where systemd-socket-activate is missing: the TCP test skips, the rest runs. */
    static P0fRelay relay;

    @BeforeAll
    static void start() throws Exception {
        CraftedSyn.assumeAvailable();
        int port = FreePorts.next();
        submissionPort = FreePorts.next();
        overTcpPort = FreePorts.next();
        p0f = RealP0f.builder().watchPort(port).observations().start();
        relay = P0fRelay.isAvailable() ? P0fRelay.to(p0f.socketPath()) : null;
        String relayAddress = relay != null ? relay.listenAddress() : "127.0.0.1:" + FreePorts.next();
        // 0.0.0.0 binds both stacks: the IPv6 test connects from ::1.
        james = JamesTestServer.builder()
            .smtpServer(SampleConfigs.smtpServers(
                SampleConfigs.smtpServer("0.0.0.0", port, p0f.socketPath().toString()),
                SampleConfigs.submissionServer(submissionPort, p0f.socketPath().toString()),
                SampleConfigs.smtpServer(overTcpPort, "unused").remove(SampleConfigs.HANDLER + "/socketPath")
                    .setChild(SampleConfigs.HANDLER, "p0fAddress", relayAddress)))
            .mailetContainer(SampleConfigs.mailetContainer())
            .user(RECIPIENT, PASSWORD)
            .user(USER, PASSWORD)
            .start();
        CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName(WINDOWS_7_CLIENT), 113);
        CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.WINDOWS_XP, InetAddress.getByName(WINDOWS_XP_CLIENT));
        for (Map.Entry<CraftedSyn.Profile, String> client : TODAYS_CLIENTS.entrySet()) {
            CraftedSyn.sendAndAwait(p0f, client.getKey(), InetAddress.getByName(client.getValue()));
        }
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(james, relay, p0f);
    }

    @BeforeEach
    void emptyRepositories() {
        james.clear(SampleConfigs.DELIVERED);
    }

    @Test
    void linuxClientOnLoopbackIsFingerprintedByRealP0f() throws Exception {
        // Not 127.0.0.1 itself: p0f knows the server's address as the destination of every SYN and
        // answers OK without an OS for it until it has seen that address's own SYN.
        Mail mail = sendAndFetch(LINUX_CLIENT, message("Linux", ""));

        assertThat(attribute(mail, "p0f.os_name")).contains("Linux");
        assertThat(attribute(mail, "p0f.genre")).contains("Linux");
        assertThat(attribute(mail, "p0f.version")).contains("3");
        assertThat(attribute(mail, "p0f.distance")).contains("0");
        assertThat(header(mail, "X-P0F-Genre")).startsWith("Linux");
        assertThat(header(mail, "X-P0F-Distance")).isEqualTo("0");
        assertThat(mail.getMessage().getHeader("X-P0F-Route")).as("not routed as a Windows sender").isNull();
    }

    @Test
    void craftedWindowsClientIsStampedAndRoutedToItsProcessor() throws Exception {
        Mail mail = sendAndFetch(WINDOWS_7_CLIENT, message("Windows", ""));

        assertThat(attribute(mail, "p0f.os")).contains("Windows 7 or 8");
        assertThat(attribute(mail, "p0f.os_flavor")).contains("7 or 8");
        assertThat(attribute(mail, "p0f.distance")).contains("15");
        assertThat(header(mail, "X-P0F-Genre")).isEqualTo("Windows 7 or 8");
        assertThat(header(mail, "X-P0F-Distance")).isEqualTo("15");
        assertThat(header(mail, "X-P0F-Route")).isEqualTo("windows-senders");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CraftedSyn.Profile.class, names = {"WINDOWS_10", "LINUX_MODERN", "APPLE"})
    void todaysSystemsAreStampedWithTheLabelP0fLogged(CraftedSyn.Profile profile) throws Exception {
        String client = TODAYS_CLIENTS.get(profile);
        Mail mail = sendAndFetch(client, message("Today " + profile, ""));

        String logged = p0f.observations().awaitFrom(InetAddress.getByName(client), Duration.ofSeconds(5)).os;
        assertThat(logged).isEqualTo(profile.osName() + " " + profile.osFlavor());
        assertThat(header(mail, "X-P0F-Genre")).isEqualTo(logged);
        assertThat(attribute(mail, "p0f.os")).contains(logged);
        // The samples route every Windows sender by RemoteOsMatches=^Windows: Windows 10/11 too.
        assertThat(mail.getMessage().getHeader("X-P0F-Route"))
            .isEqualTo(profile == CraftedSyn.Profile.WINDOWS_10 ? new String[] {"windows-senders"} : null);
    }

    @Test
    void aHandlerThatAsksP0fOverTcpStampsTheSameFingerprint() throws Exception {
        Assumptions.assumeTrue(relay != null, "needs systemd-socket-activate and systemd-socket-proxyd");
        String subject = "tcp-" + UUID.randomUUID();
        try (SmtpTestClient smtp = SmtpTestClient.connect(james.smtpAddress(), overTcpPort,
                InetAddress.getByName(WINDOWS_7_CLIENT))) {
            assertThat(smtp.sendMail(SENDER, RECIPIENT, message(subject, ""))).as("replies %s", smtp.replies())
                .isEqualTo(250);
        }
        Mail mail = awaitSubject(subject);

        assertThat(attribute(mail, "p0f.os")).contains("Windows 7 or 8");
        assertThat(header(mail, "X-P0F-Distance")).isEqualTo("15");
    }

    @Test
    void forgedP0fHeadersAreRemoved() throws Exception {
        Mail mail = sendAndFetch(WINDOWS_7_CLIENT, message("Forged",
            "X-P0F-Genre: Linux 2.6 (forged)\r\nX-P0F-Distance: 0\r\nX-P0F: os=\"forged\"\r\n"));

        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).containsExactly("Windows 7 or 8");
        assertThat(mail.getMessage().getHeader("X-P0F-Distance")).containsExactly("15");
        assertThat(mail.getMessage().getHeader("X-P0F")).isNull();
    }

    @Test
    void aForgedRouteHeaderDoesNotSurviveOnLinuxMail() throws Exception {
        // The samples stamp X-P0F-Route on Windows mail only: a Linux sender must not bring one.
        Mail mail = sendAndFetch(LINUX_CLIENT, message("ForgedRoute", "X-P0F-Route: windows-senders-forged\r\n"));

        assertThat(mail.getMessage().getHeader("X-P0F-Route")).isNull();
        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).allMatch(genre -> genre.startsWith("Linux"));
    }

    @Test
    void blockedOsIsRefusedAtMailFromWith554() {
        try (SmtpTestClient smtp = SmtpTestClient.connect(james, WINDOWS_XP_CLIENT)) {
            assertThat(smtp.ehlo("xp.example.test")).isEqualTo(250);

            assertThat(smtp.mailFrom("someone@elsewhere.test")).isEqualTo(554);
            assertThat(smtp.lastReply().text()).contains("5.7.1").contains("Windows XP");
        }
    }

    @Test
    void authenticatedSessionFromABlockedOsIsAccepted() throws Exception {
        String subject = "auth-" + UUID.randomUUID();
        // The submission server: James 3.9's sample offers no AUTH on port 25.
        try (SmtpTestClient smtp = SmtpTestClient.connect(james.smtpAddress(), submissionPort,
                InetAddress.getByName(WINDOWS_XP_CLIENT))) {
            assertThat(smtp.ehlo("xp.example.test")).isEqualTo(250);
            assertThat(smtp.authPlain(USER, PASSWORD)).isEqualTo(235);

            assertThat(smtp.sendMailAfterEhlo(USER, RECIPIENT, message(subject, "").replace(SENDER, USER))).isEqualTo(250);
        }
        Mail mail = awaitSubject(subject);
        assertThat(attribute(mail, "p0f.os")).contains("Windows XP");
    }

    @Test
    void ipv6ClientIsLookedUpOverIpv6() throws Exception {
        Mail mail = sendAndFetch("::1", message("IPv6", ""));

        // Stock p0f names no OS for Linux's IPv6 SYN (its flow label matches no signature); the
        // project's database, which RealP0f loads, has one for the loopback SYN.
        assertThat(attribute(mail, "p0f.version")).contains("3");
        assertThat(attribute(mail, "p0f.os")).contains("Linux 4.19 and newer (loopback)");
        assertThat(header(mail, "X-P0F-Genre")).isEqualTo("Linux 4.19 and newer (loopback)");
        assertThat(mail.getMessage().getHeader("X-P0F-Route")).isNull();
    }

    static String message(String subjectPrefix, String extraHeaders) {
        return "From: " + SENDER + "\r\nTo: " + RECIPIENT + "\r\nSubject: " + subjectPrefix + "\r\n" + extraHeaders
            + "\r\nHello from a test.\r\n";
    }

    private static Mail sendAndFetch(String source, String message) throws Exception {
        String subject = message.split("Subject: ")[1].split("\r\n")[0];
        String unique = subject + "-" + UUID.randomUUID();
        try (SmtpTestClient smtp = SmtpTestClient.connect(james, source)) {
            int code = smtp.sendMail(SENDER, RECIPIENT, message.replace("Subject: " + subject, "Subject: " + unique));
            assertThat(code).as("replies %s", smtp.replies()).isEqualTo(250);
            smtp.quit();
        }
        return awaitSubject(james, unique);
    }

    private static Mail awaitSubject(String subject) throws MessagingException {
        return awaitSubject(james, subject);
    }

    /** The delivered mail with this subject, waiting for it. */
    static Mail awaitSubject(JamesTestServer james, String subject) throws MessagingException {
        long deadline = System.nanoTime() + JamesTestServer.DEFAULT_AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Mail mail : james.mails(SampleConfigs.DELIVERED)) {
                if (subject.equals(mail.getMessage().getSubject())) {
                    return mail;
                }
            }
            sleep();
        }
        List<Mail> all = james.mails(SampleConfigs.DELIVERED);
        throw new AssertionError("no delivered mail with subject " + subject + " among " + all.size());
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Optional<String> attribute(Mail mail, String name) {
        return mail.getAttribute(AttributeName.of(name)).map(a -> (String) a.getValue().value());
    }

    static String header(Mail mail, String name) throws MessagingException {
        String[] values = mail.getMessage().getHeader(name);
        assertThat(values).as("header " + name).isNotNull().hasSize(1);
        return values[0];
    }
}
