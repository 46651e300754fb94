package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.P0fRelay;
import io.github.jamesp0f.testing.ProxyHeader;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.Resources;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.RawSmtpClient;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.WebAdminClient;
import io.github.jamesp0f.testing.james.XmlConfig;

/**
 * A real James (the packaged jar in extensions-jars) with two SMTP servers from conf-samples, one
 * with {@code <proxyRequired>true</proxyRequired>} and one without, a real p0f on loopback, real
 * DNS for the greylisting's FCrDNS, and clients that write PROXY v1 and v2 headers themselves,
 * with their commands in the header's segment. The proxy connects from {@link #PROXY}, which p0f
 * has never fingerprinted (a lookup of the proxy would count a no-match), or from 127.0.0.1, which
 * it knows as Linux; each session counts one lookup, so every fingerprint below is the announced
 * client's. A third server maps one proxy to an edge's
 * p0f over TCP (the same p0f, through the relay contrib/ ships) and lists no other.
 */
class ProxyProtocolIT {

    /** In RealP0f's crafted range, which it ignores for real connections: p0f knows nothing of it. */
    static final String PROXY = "127.0.0.70";
    static final String WINDOWS = "127.0.0.77";
    static final String FREEBSD = "127.0.0.79";
    static final String RECIPIENT = "rcpt@" + JamesTestServer.DOMAIN;
    static final String GREYLIST = "<handler class=\"io.github.jamesp0f.greylist.P0fGreylistHandler\">"
        + "<os>^windows</os><blockTime>1h</blockTime></handler>";

    /** A second proxy, the one edge listed on the third server; p0f knows nothing of it either. */
    static final String LISTED_PROXY = "127.0.0.71";

    static RealP0f p0f;
    static P0fRelay relay;
    static RealDns dns;
    static JamesTestServer james;
    static int proxiedPort;
    static int directPort;
    static int edgesPort;

    @BeforeAll
    static void start() throws Exception {
        CraftedSyn.assumeAvailable();
        RealDns.assumeAvailable();
        dns = RealDns.start();
        proxiedPort = FreePorts.next();
        directPort = FreePorts.next();
        edgesPort = FreePorts.next();
        p0f = RealP0f.builder().watchPort(proxiedPort).watchPort(directPort).watchPort(edgesPort).start();
        relay = P0fRelay.isAvailable() ? P0fRelay.to(p0f.socketPath()) : null;
        CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName(WINDOWS));
        CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.FREEBSD, InetAddress.getByName(FREEBSD));
        p0f.connectFrom(InetAddress.getByName("::1"));
        // p0f's database names no OS for a loopback IPv6 SYN, but it knows the host (a match).
        CraftedSyn.awaitOk(p0f.socketPath(), InetAddress.getByName("::1"), Duration.ofSeconds(10));

        XmlConfig proxied = server(proxiedPort).setChild("/smtpservers/smtpserver", "proxyRequired", "true");
        // The edge's p0f over TCP (the relay contrib/ ships), for the one proxy listed.
        XmlConfig edges = server(edgesPort).setChild("/smtpservers/smtpserver", "proxyRequired", "true")
            .append(SampleConfigs.HANDLER, "<edges><edge proxy=\"" + LISTED_PROXY + "/32\" p0fAddress=\""
                + (relay != null ? relay.listenAddress() : "127.0.0.1:9") + "\"/></edges>");
        james = JamesTestServer.builder()
            .smtpServer(SampleConfigs.smtpServers(proxied, server(directPort), edges))
            .mailetContainer(SampleConfigs.mailetContainer()
                .setAttribute("/mailetcontainer | //processors | //processor", "enableJmx", "false"))
            .user(RECIPIENT, "secret")
            .webAdmin(WebAdminClient.METRICS_ROUTES)
            .confFile("dnsservice.xml", dns.jamesDnsServiceXml())
            .start();
    }

    /** The sample's port 25 server: FreeBSD blocked, Windows greylisted (after the p0f handler). */
    static XmlConfig server(int port) {
        return SampleConfigs.smtpServer(port, p0f.socketPath().toString())
            .setText(SampleConfigs.HANDLER + "/blockedOperatingSystems", "FreeBSD")
            .insertBefore("//handler[@class='org.apache.james.smtpserver.fastfail.ValidRcptHandler']", GREYLIST)
            .setAttribute("//handlerchain", "enableJmx", "false");
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(james, relay, p0f, dns);
    }

    @Test
    void aWindowsClientAnnouncedInProxyV1IsGreylistedThoughItsCommandsShareTheHeadersSegment() throws Exception {
        Map<String, Double> before = WebAdminClient.p0fMetrics(james);
        assertReplies(PROXY, proxiedPort, List.of(ProxyHeader.v1(WINDOWS, 40001, "127.0.0.1", 25),
            "EHLO pc.example\r\nMAIL FROM:<v1@windows.example>\r\nRCPT TO:<" + RECIPIENT + ">\r\n"),
            "220", "250", "250", "451");
        assertLookedUpOnceNeverTheProxy(before);
    }

    /** From 127.0.0.1, which p0f knows (Linux): asked about the proxy, p0f would have answered Linux. */
    @Test
    void aFreeBsdClientAnnouncedInProxyV2ByAProxyP0fKnowsIsRefusedAtMail() throws Exception {
        Map<String, Double> before = WebAdminClient.p0fMetrics(james);
        assertReplies("127.0.0.1", proxiedPort, List.of(ProxyHeader.v2(FREEBSD, 40002, "127.0.0.1", 25),
            "EHLO bsd.example\r\nMAIL FROM:<v2@freebsd.example>\r\n"),
            "220", "250", "554");
        assertLookedUpOnceNeverTheProxy(before);
    }

    @Test
    void anIpv6ClientAnnouncedInProxyV2IsLookedUpAndItsMailStamped() throws Exception {
        String sender = "v6@linux.example";
        Map<String, Double> before = WebAdminClient.p0fMetrics(james);
        assertReplies(PROXY, proxiedPort, List.of(ProxyHeader.v2("::1", 40003, "::1", 25),
            "EHLO v6.example\r\nMAIL FROM:<" + sender + ">\r\nRCPT TO:<" + RECIPIENT + ">\r\nDATA\r\n",
            "From: <" + sender + ">\r\nSubject: v6\r\n\r\nhello\r\n.\r\nQUIT\r\n"),
            "220", "250", "250", "250", "354", "250", "221");
        Mail mail = james.awaitMails(SampleConfigs.DELIVERED, 1).stream()
            .filter(delivered -> delivered.getMaybeSender().asString().equals(sender)).findFirst().orElseThrow();
        assertThat(mail.getAttribute(AttributeName.of("p0f.version"))).as("p0f matched the announced ::1").isPresent();
        assertLookedUpOnceNeverTheProxy(before);
    }

    @Test
    void aDirectClientThatTalksBeforeTheBannerIsStillGreylisted() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            assertReplies(WINDOWS, directPort, List.of("EHLO pc.example\r\nMAIL FROM:<early" + attempt
                + "@windows.example>\r\nRCPT TO:<" + RECIPIENT + ">\r\nQUIT\r\n"),
                "220", "250", "250", "451", "221");
        }
    }

    @Test
    void behindEdgesTheProxysOwnEdgeIsAskedAndAProxyNotListedIsCountedNotLookedUp() throws Exception {
        P0fRelay.assumeAvailable();
        Map<String, Double> before = WebAdminClient.p0fMetrics(james);
        assertReplies(LISTED_PROXY, edgesPort, List.of(ProxyHeader.v2(WINDOWS, 40004, "127.0.0.1", 25),
            "EHLO pc.example\r\nMAIL FROM:<edge@windows.example>\r\nRCPT TO:<" + RECIPIENT + ">\r\n"),
            "220", "250", "250", "451");
        assertLookedUpOnceNeverTheProxy(before);

        Map<String, Double> beforeUnlisted = WebAdminClient.p0fMetrics(james);
        // Not looked up, so not greylisted: RCPT passes.
        assertReplies(PROXY, edgesPort, List.of(ProxyHeader.v2(WINDOWS, 40005, "127.0.0.1", 25),
            "EHLO pc.example\r\nMAIL FROM:<unlisted@windows.example>\r\nRCPT TO:<" + RECIPIENT + ">\r\n"),
            "220", "250", "250", "250");
        Map<String, Double> after = WebAdminClient.p0fMetrics(james);
        assertThat(delta(beforeUnlisted, after, "p0f_proxy_unlisted_total")).isEqualTo(1.0);
        assertThat(delta(beforeUnlisted, after, "p0f_lookups_total")).isZero();
    }

    /**
     * Connects from {@code source} to {@code port}, writes {@code parts} in one segment and checks
     * the codes of the replies that follow (the 220 banner first).
     */
    private static void assertReplies(String source, int port, List<Object> parts, String... codes) {
        try (RawSmtpClient client = RawSmtpClient.connect(source, InetAddress.getLoopbackAddress(), port)) {
            client.send(parts.toArray());
            List<Integer> replied = client.replyCodes(codes.length);
            assertThat(replied).as("replies %s", client.transcript())
                .containsExactly(Arrays.stream(codes).map(Integer::valueOf).toArray(Integer[]::new));
        }
    }

    /**
     * One lookup, answered (the verdict above says for whom): a lookup of the proxy as well would
     * count twice, and one of a proxy p0f never saw as a no-match.
     */
    private static void assertLookedUpOnceNeverTheProxy(Map<String, Double> before) throws Exception {
        Map<String, Double> after = WebAdminClient.p0fMetrics(james);
        assertThat(delta(before, after, "p0f_lookups_total")).isEqualTo(1.0);
        assertThat(delta(before, after, "p0f_matches_total")).isEqualTo(1.0);
        assertThat(delta(before, after, "p0f_no_matches_total")).isZero();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }
}
