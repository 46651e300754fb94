package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jamesp0f.testing.CraftedSmtp;
import io.github.jamesp0f.testing.CraftedSyn.Profile;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.ProxyHeader;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.TunLink;
import io.github.jamesp0f.testing.james.CapturedLog;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.RawSmtpClient;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.SmtpTestClient;
import io.github.jamesp0f.testing.james.WebAdminClient;
import io.github.jamesp0f.testing.james.XmlConfig;

/**
 * {@code <source>kernel</source>} in a real James 3.9.0 with the packaged jar in extensions-jars and
 * no p0f process at all: three SMTP servers of the samples on a {@link TunLink}, one on Netty's
 * epoll transport ({@code <useEpoll>true</useEpoll>}), one on NIO, one behind the PROXY protocol.
 * On epoll, this machine's own connections are stamped Linux, crafted Windows 10/11 and FreeBSD SYNs
 * (whole SMTP sessions by crafted-smtp.py) are greylisted and refused as with the daemon, the
 * kernel keeps SYNs from the moment James bound the socket (said once, at start-up), and the
 * metrics and status route say which source answered; the NIO and proxied servers say once why
 * they cannot, and fingerprint nobody. (James 3.8.2
 * refuses the kernel source at start-up: {@link InvalidHandlerConfigurationIT}.)
 */
class KernelSourceIT {

    private static final String RECIPIENT = "rcpt@" + JamesTestServer.DOMAIN;
    private static final Duration BLOCK_TIME = Duration.ofSeconds(2);
    private static final String WINDOWS = "Windows 10 or 11 (or Server 2016+)";
    private static final String GREYLIST = "<handler class=\"io.github.jamesp0f.greylist.P0fGreylistHandler\">"
        + "<os>^windows</os><blockTime>" + BLOCK_TIME.toSeconds() + "s</blockTime></handler>";
    private static final String NEXT_HANDLER = "//handler[@class='org.apache.james.smtpserver.fastfail.ValidRcptHandler']";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TunLink link;
    private static RealDns dns;
    private static CapturedLog log;
    private static JamesTestServer james;
    private static int epollPort;
    private static int nioPort;
    private static int proxiedPort;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(JamesTestServer.jamesLine().equals("3.9"), "the kernel source needs James 3.9's epoll");
        RealDns.assumeAvailable();
        link = TunLink.create();
        dns = RealDns.start();
        log = CapturedLog.of("io.github.jamesp0f.smtp.KernelSource");
        epollPort = FreePorts.next();
        nioPort = FreePorts.next();
        proxiedPort = FreePorts.next();
        james = JamesTestServer.builder()
            .smtpServer(SampleConfigs.smtpServers(
                kernelServer(epollPort).setChild("/smtpservers/smtpserver", "useEpoll", "true"),
                kernelServer(nioPort),
                kernelServer(proxiedPort).setChild("/smtpservers/smtpserver", "useEpoll", "true")
                    .setChild("/smtpservers/smtpserver", "proxyRequired", "true")))
            .smtpAddress(server())
            .mailetContainer(SampleConfigs.mailetContainer()
                .setAttribute("/mailetcontainer | //processors | //processor", "enableJmx", "false"))
            .confFile("dnsservice.xml", dns.jamesDnsServiceXml())
            .user(RECIPIENT, "secret")
            .webAdmin("io.github.jamesp0f.webadmin.P0fStatusRoutes", WebAdminClient.METRICS_ROUTES)
            .start();
        // The handler asked the kernel to keep SYNs as James bound the socket: the first connection has its SYN too.
        assertThat(P0fInJamesIT.attribute(mailFromThisMachine(epollPort, "first"), "p0f.os"))
            .contains("Linux 4.19 and newer (loopback)");
    }

    /** The samples' first server on the link, the kernel its source, FreeBSD blocked, Windows greylisted. */
    private static XmlConfig kernelServer(int port) {
        return SampleConfigs.kernelSource(SampleConfigs.smtpServer(server().getHostAddress(), port, "/unused"))
            .setText(SampleConfigs.HANDLER + "/blockedOperatingSystems", "Windows XP\nFreeBSD")
            .insertBefore(NEXT_HANDLER, GREYLIST)
            .setAttribute("//handlerchain", "enableJmx", "false");
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (log != null) {
            log.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (link != null) {
            link.close();
        }
    }

    @Test
    void aRealLinuxClientIsStampedLinux() throws Exception {
        Mail mail = mailFromThisMachine(epollPort, "linux");

        assertThat(P0fInJamesIT.attribute(mail, "p0f.os")).contains("Linux 4.19 and newer (loopback)");
        assertThat(P0fInJamesIT.header(mail, "X-P0F-Genre")).isEqualTo("Linux 4.19 and newer (loopback)");
        assertThat(P0fInJamesIT.header(mail, "X-P0F-Distance")).isEqualTo("0");
    }

    @Test
    void aCraftedWindowsClientIsGreylistedThenAcceptedAndStamped() throws Exception {
        InetAddress windows = link.clientAddress(77, false);
        String subject = "windows-" + UUID.randomUUID();

        CraftedSmtp.Transcript first = craftedMail(Profile.WINDOWS_10, windows, epollPort, subject);
        assertThat(first.replyTo("RCPT")).as(first.toString()).isEqualTo(451);
        Thread.sleep(BLOCK_TIME.toMillis() + 200);
        CraftedSmtp.Transcript retry = craftedMail(Profile.WINDOWS_10, windows, epollPort, subject);
        assertThat(retry.replyTo("(message)")).as(retry.toString()).isEqualTo(250);

        Mail mail = P0fInJamesIT.awaitSubject(james, subject);
        assertThat(P0fInJamesIT.header(mail, "X-P0F-Genre")).isEqualTo(WINDOWS);
        assertThat(P0fInJamesIT.attribute(mail, "p0f.os_name")).contains("Windows");
        assertThat(P0fInJamesIT.header(mail, "X-P0F-Route")).isEqualTo("windows-senders");
        assertThat(mail.getMessage().getHeader("X-P0F-Greylist")[0]).startsWith("delayed");
    }

    @Test
    void aCraftedFreeBsdClientIsRefusedAtMail() {
        CraftedSmtp.Transcript freebsd = craftedMail(Profile.FREEBSD, link.clientAddress(78, false), epollPort,
            "freebsd");

        assertThat(freebsd.replyTo("MAIL")).as(freebsd.toString()).isEqualTo(554);
        assertThat(freebsd.output()).contains("Mail from your operating system (FreeBSD 9.x or newer) is not accepted");
    }

    @Test
    void theMetricsAndTheStatusRouteSayWhichSourceAnsweredAndWhereNoSynWas() throws Exception {
        Map<String, Double> before = WebAdminClient.p0fMetrics(james);
        mailFromThisMachine(epollPort, "counted");
        Map<String, Double> after = WebAdminClient.p0fMetrics(james);

        assertThat(after.get("p0f_kernel_lookups_total") - before.get("p0f_kernel_lookups_total")).isEqualTo(1.0);
        assertThat(after.get("p0f_matches_total") - before.get("p0f_matches_total")).isEqualTo(1.0);
        assertThat(after.get("p0f_kernel_no_syn_total")).as("asked as James bound the sockets: never without").isZero();
        assertThat(after.get("p0f_daemon_lookups_total")).isZero();

        JsonNode status = JSON.readTree(WebAdminClient.get(james, "/p0f/status"));
        assertThat(status.get("status").asText()).isEqualTo("healthy");
        assertThat(status.get("clients")).isEmpty();
        assertThat(status.get("lookups").get("kernel").asLong()).isEqualTo(after.get("p0f_kernel_lookups_total").longValue());
        assertThat(status.get("lookups").get("kernelNoSyn").asLong()).isZero();
        assertThat(status.get("kernelSources").toString())
            .contains("\"" + server().getHostAddress() + ":" + epollPort + "\":\"keeps SYNs\"")
            .contains("the jar's p0f.fp (contrib/p0f/p0f.fp)");
    }

    @Test
    void theKernelKeepsSynsFromTheMomentJamesBoundTheSocketSaidOnce() {
        String socket = server().getHostAddress() + ":" + epollPort;
        assertThat(log.lines()).filteredOn(line -> line.contains(socket)).singleElement().asString().matches(
            Pattern.quote("INFO p0f handler: the kernel keeps the SYN of every connection to " + socket + " from now on,"
                + " matched against the jar's p0f.fp (contrib/p0f/p0f.fp) (") + "\\d+ SYN signatures, \\d+ MTUs\\)");
    }

    @Test
    void aNioServerSaysOnceThatItCannotAndFingerprintsNobody() throws Exception {
        for (int i = 0; i < 2; i++) {
            Mail mail = mailFromThisMachine(nioPort, "nio");
            assertThat(mail.getMessage().getHeader("X-P0F-Genre")).isNull();
        }

        String socket = server().getHostAddress() + ":" + nioPort;
        assertThat(log.lines()).filteredOn(line -> line.contains(socket)).containsExactly("WARN p0f handler: SMTP server "
            + socket + " uses Netty's NIO transport, where the kernel's saved SYN cannot be read (add"
            + " <useEpoll>true</useEpoll> to its <smtpserver>, James 3.9 and later): its clients get no fingerprint"
            + " (mail flows as without the extension)");
    }

    @Test
    void aProxiedServerSaysOnceThatTheSynIsTheBalancersAndFingerprintsNobody() throws Exception {
        CapturedLog handlerLog = CapturedLog.of("io.github.jamesp0f.smtp.P0fConnectHandler");
        try {
            for (int i = 0; i < 2; i++) {
                String subject = "proxied-" + UUID.randomUUID();
                try (RawSmtpClient client = RawSmtpClient.connect(server().getHostAddress(), server(), proxiedPort)) {
                    client.send(ProxyHeader.v1("198.51.100.7", 40001 + i, server().getHostAddress(), proxiedPort),
                        "EHLO pc.example\r\nMAIL FROM:<a@pc.example>\r\nRCPT TO:<" + RECIPIENT + ">\r\nDATA\r\n",
                        "From: a@pc.example\r\nSubject: " + subject + "\r\n\r\nhello\r\n.\r\nQUIT\r\n");
                    assertThat(client.replyCodes(6)).containsExactly(220, 250, 250, 250, 354, 250);
                }
                assertThat(P0fInJamesIT.awaitSubject(james, subject).getMessage().getHeader("X-P0F-Genre")).isNull();
            }
            assertThat(log.lines()).as("the kernel is not asked to keep the balancer's SYNs")
                .noneMatch(line -> line.contains(":" + proxiedPort));
            assertThat(handlerLog.lines()).containsOnlyOnce("WARN p0f handler: <source>kernel on an SMTP server that"
                + " requires the PROXY header: the kernel's saved SYN is the balancer's, not the client's; its clients get"
                + " no fingerprint (mail flows as without the extension)");
        } finally {
            handlerLog.close();
        }
    }

    private static CraftedSmtp.Transcript craftedMail(Profile profile, InetAddress source, int port, String subject) {
        return CraftedSmtp.send(link, profile, source, port, "--from", "sender@windows.example", "--to", RECIPIENT,
            "--subject", subject);
    }

    /** A mail from this machine's own kernel (a local connection on the link), delivered. */
    private static Mail mailFromThisMachine(int port, String subjectPrefix) throws Exception {
        String subject = subjectPrefix + "-" + UUID.randomUUID();
        try (SmtpTestClient smtp = SmtpTestClient.connect(server(), port, server())) {
            assertThat(smtp.sendMail("sender@linux.example", RECIPIENT, "From: sender@linux.example\r\nSubject: "
                + subject + "\r\n\r\nhello\r\n")).as("replies %s", smtp.replies()).isEqualTo(250);
            smtp.quit();
        }
        return P0fInJamesIT.awaitSubject(james, subject);
    }

    private static InetAddress server() {
        return link.serverAddress(false);
    }
}
