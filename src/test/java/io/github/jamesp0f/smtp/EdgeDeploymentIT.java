package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.EdgeLab;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.RealPostgres;
import io.github.jamesp0f.testing.Resources;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.NamespaceSmtpClient;
import io.github.jamesp0f.testing.james.NamespaceSmtpClient.Transcript;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.WebAdminClient;
import io.github.jamesp0f.testing.james.XmlConfig;

/**
 * The edge deployment as several hosts (contrib/tools/edge-lab.sh): clients in a namespace of their
 * own (real Linux connections through Python's SMTP client, crafted Windows and FreeBSD SYNs on the
 * link), an edge namespace with Debian's HAProxy (contrib/edge/haproxy.cfg: PROXY v2, round robin)
 * and a real p0f on its client-facing link whose API the relay of contrib/edge/ exposes over TCP,
 * and two real James nodes of this build's line (the packaged jar in extensions-jars,
 * {@code proxyRequired}, the edge in {@code <edges>}) sharing a PostgreSQL greylist table.
 * The client namespace sends with TTL 60, so p0f puts its real connections at distance 4: a
 * fingerprint with that distance can only be the client's own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeDeploymentIT {

    @RegisterExtension
    static final RealPostgres POSTGRES = new RealPostgres();

    /** 198.18.80.0/20 is this test's share of 198.18.0.0/15: the client link .80 and the private link .81. */
    static final String NET = "198.18.80";
    static final String RECIPIENT = "rcpt@" + JamesTestServer.DOMAIN;
    static final Duration BLOCK_TIME = Duration.ofSeconds(2);
    static final String STATUS_ROUTES = "io.github.jamesp0f.webadmin.P0fStatusRoutes";
    static final String[] GREETINGS = {"node-one ESMTP", "node-two ESMTP"};
    static final ObjectMapper JSON = new ObjectMapper();

    static RealDns dns;
    static EdgeLab lab;
    static final List<JamesTestServer> NODES = new ArrayList<>();
    static NamespaceSmtpClient client;
    static InetAddress windows;
    static InetAddress earlyTalker;
    static InetAddress freebsd;

    @BeforeAll
    static void start() throws Exception {
        EdgeLab.assumeAvailable();
        RealDns.assumeAvailable();
        dns = RealDns.start();
        List<String> nodes = List.of(NET.replaceFirst("80$", "81") + ".2:" + FreePorts.next(),
            NET.replaceFirst("80$", "81") + ".3:" + FreePorts.next());
        lab = EdgeLab.up(NET, nodes);
        for (int i = 0; i < nodes.size(); i++) {
            NODES.add(node(nodes.get(i), GREETINGS[i]));
        }
        lab.startHaproxy();
        client = new NamespaceSmtpClient(lab.clientNamespace(), lab.edgePublic(), lab.smtpPort());
        windows = lab.craftedSource(77);
        earlyTalker = lab.craftedSource(78);
        freebsd = lab.craftedSource(79);
        lab.craftSyn(CraftedSyn.Profile.WINDOWS_10, windows);
        lab.craftSyn(CraftedSyn.Profile.WINDOWS_10, earlyTalker);
        lab.craftSyn(CraftedSyn.Profile.FREEBSD, freebsd);
    }

    /**
     * A node: the sample's port 25 server on {@code bind}, behind the PROXY protocol, asking the
     * edge's p0f over TCP for the one proxy listed; FreeBSD refused, Windows greylisted in the
     * shared table. Every session asks p0f (cacheTtl 0); the timeout tolerates a loaded machine.
     */
    static JamesTestServer node(String bind, String greeting) throws Exception {
        String host = bind.substring(0, bind.indexOf(':'));
        int port = Integer.parseInt(bind.substring(bind.indexOf(':') + 1));
        String greylist = "<handler class=\"io.github.jamesp0f.greylist.P0fGreylistHandler\"><os>^windows</os>"
            + "<blockTime>" + BLOCK_TIME.toSeconds() + "s</blockTime><jdbc><url>" + POSTGRES.url() + "</url><user>"
            + POSTGRES.user() + "</user><poolSize>2</poolSize><table>edge_greylist</table></jdbc></handler>";
        XmlConfig smtp = SampleConfigs.smtpServer(host, port, "/unused")
            .setChild("/smtpservers/smtpserver", "proxyRequired", "true")
            .setText("/smtpservers/smtpserver/smtpGreeting", greeting)
            .setText("/smtpservers/smtpserver/jmxName", "smtpserver-" + port)
            .remove(SampleConfigs.HANDLER + "/socketPath")
            .append(SampleConfigs.HANDLER, "<p0fAddress>" + lab.p0fAddress() + "</p0fAddress>")
            .append(SampleConfigs.HANDLER, "<edges><edge proxy=\"" + lab.edgePrivate().getHostAddress() + "/32\" p0fAddress=\""
                + lab.p0fAddress() + "\"/></edges>")
            .setText(SampleConfigs.HANDLER + "/cacheTtl", "0")
            // The client HAProxy's health checks name (contrib/edge/haproxy.cfg): the edge itself.
            .append(SampleConfigs.HANDLER, "<neverLookUp>" + lab.edgePrivate().getHostAddress() + "/32</neverLookUp>")
            .setText(SampleConfigs.HANDLER + "/timeout", "3s")
            .setText(SampleConfigs.HANDLER + "/blockedOperatingSystems", "FreeBSD")
            .insertBefore("//handler[@class='org.apache.james.smtpserver.fastfail.ValidRcptHandler']", greylist)
            .setAttribute("//handlerchain", "enableJmx", "false");
        return JamesTestServer.builder()
            .smtpServer(smtp)
            .smtpAddress(InetAddress.getByName(host))
            .mailetContainer(SampleConfigs.mailetContainer()
                .setAttribute("/mailetcontainer | //processors | //processor", "enableJmx", "false"))
            .user(RECIPIENT, "secret")
            .webAdmin(STATUS_ROUTES, WebAdminClient.METRICS_ROUTES)
            .confFile("dnsservice.xml", dns.jamesDnsServiceXml())
            .start();
    }

    @AfterAll
    static void stop() {
        List<AutoCloseable> all = new ArrayList<>(NODES);
        all.add(lab);
        all.add(dns);
        Resources.closeAll(all.toArray(new AutoCloseable[0]));
    }

    @Test
    @Order(1)
    void haproxysHealthChecksPassThroughTheProxyProtocolAndLookNobodyUp() throws Exception {
        List<Map<String, Double>> before = metrics();
        String[] passed = {"james_smtp/james1 status=UP check=L7OK failed_checks=0",
            "james_smtp/james2 status=UP check=L7OK failed_checks=0"};
        // At least one check of each node (every 5 s) after the metrics above.
        long checked = System.nanoTime() + Duration.ofMillis(5_500).toNanos();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String servers = lab.haproxyServers();
        while ((System.nanoTime() < checked || !(servers.contains(passed[0]) && servers.contains(passed[1])))
            && System.nanoTime() < deadline) {
            Thread.sleep(250);
            servers = lab.haproxyServers();
        }

        assertThat(servers).contains(passed);
        assertThat(delta(before, metrics(), "p0f_lookups_total")).as("the edge is in neverLookUp").isZero();
    }

    @Test
    @Order(2)
    void aLinuxClientsMailIsStampedWithItsOwnFingerprintNeverTheProxys() throws Exception {
        List<Map<String, Double>> before = metrics();
        Transcript session = client.sendMail(lab.linuxClient(), "linux@sender.example", RECIPIENT, message("linux"));

        assertThat(session.codes()).as("%s", session).containsExactly(220, 250, 250, 250, 250, 221);
        Mail mail = deliveredFrom("linux@sender.example");
        assertThat(header(mail, "X-P0F-Genre")).startsWith("Linux");
        assertThat(header(mail, "X-P0F-Distance")).as("the client's 4 hops, not the proxy's 0").isEqualTo("4");
        assertThat(lab.p0fObservations())
            .contains("cli=" + lab.linuxClient().getHostAddress() + "/")
            .contains("|os=" + header(mail, "X-P0F-Genre") + "|dist=4|")
            .as("p0f sees the client link only: it never saw the proxy, so it could not have answered for it")
            .doesNotContain("cli=" + lab.edgePrivate().getHostAddress() + "/");
        assertLookedUpOnceNeverTheProxy(before);
    }

    @Test
    @Order(3)
    void aWindowsClientGreylistedByOneNodeIsAcceptedByTheOtherOnRetryAndStampedWindows() throws Exception {
        String sender = "retry@windows.example";
        Transcript first = client.sendMail(windows, sender, RECIPIENT, message("windows"));
        assertThat(first.codes()).as("%s", first).containsExactly(220, 250, 250, 451, 221);

        Thread.sleep(BLOCK_TIME.toMillis() + 200);
        Transcript retry = client.sendMail(windows, sender, RECIPIENT, message("windows"));

        assertThat(retry.codes()).as("%s", retry).containsExactly(220, 250, 250, 250, 250, 221);
        assertThat(node(retry)).as("round robin: the retry went to the other node (%s, then %s)", first.banner(),
            retry.banner()).isNotEqualTo(node(first));
        assertThat(deliveringNode(sender)).as("delivered by the node that accepted it").isEqualTo(node(retry));
        Mail mail = deliveredFrom(sender);
        assertThat(header(mail, "X-P0F-Genre")).isEqualTo("Windows 10 or 11 (or Server 2016+)");
        assertThat(header(mail, "X-P0F-Greylist")).startsWith("delayed");
    }

    @Test
    @Order(4)
    void aFreeBsdClientIsRefusedAtMail() {
        Transcript session = client.sendMail(freebsd, "bsd@freebsd.example", RECIPIENT, message("freebsd"));

        assertThat(session.codes()).as("%s", session).containsExactly(220, 250, 554, 221);
    }

    @Test
    @Order(5)
    void aWindowsClientThatTalksBeforeTheBannerIsStillGreylisted() {
        for (int attempt = 0; attempt < 2; attempt++) {
            Transcript session = client.talkEarly(earlyTalker, "EHLO pc.example\r\nMAIL FROM:<early" + attempt
                + "@windows.example>\r\nRCPT TO:<" + RECIPIENT + ">\r\nQUIT\r\n", 5);

            assertThat(session.codes()).as("%s", session).containsExactly(220, 250, 250, 451, 221);
        }
    }

    @Test
    @Order(6)
    void aProxyTheNodesDoNotListIsCountedNotLookedUp() throws Exception {
        NamespaceSmtpClient unlisted = new NamespaceSmtpClient(lab.clientNamespace(), lab.edgePublic(),
            lab.unlistedSmtpPort());
        List<Map<String, Double>> before = metrics();

        Transcript session = unlisted.sendMail(windows, "unlisted@windows.example", RECIPIENT, message("unlisted"));

        assertThat(session.codes()).as("not looked up, so not greylisted: %s", session)
            .containsExactly(220, 250, 250, 250, 250, 221);
        assertThat(header(deliveredFrom("unlisted@windows.example"), "X-P0F-Genre")).isNull();
        List<Map<String, Double>> after = metrics();
        assertThat(delta(before, after, "p0f_proxy_unlisted_total")).isEqualTo(1.0);
        assertThat(delta(before, after, "p0f_lookups_total")).isZero();
    }

    /** Last: the edge's p0f and then its relay stop, as they would on a real edge host. */
    @Test
    @Order(99)
    void withTheEdgesP0fAndThenItsRelayStoppedMailFlowsAndTheNodesSayDegraded() throws Exception {
        int sent = 0;
        lab.stop("p0f");
        for (String step : new String[] {"p0f stopped", "p0f and relay stopped"}) {
            if (step.startsWith("p0f and")) {
                lab.stop("relay");
            }
            // Two sessions: round robin, one per node.
            for (int i = 0; i < 2; i++) {
                String sender = "outage" + sent++ + "@sender.example";
                Transcript session = client.sendMail(lab.linuxClient(), sender, RECIPIENT, message(step));
                assertThat(session.codes()).as("%s: %s", step, session).containsExactly(220, 250, 250, 250, 250, 221);
                assertThat(header(deliveredFrom(sender), "X-P0F-Genre")).as(step).isNull();
            }
            for (JamesTestServer node : NODES) {
                JsonNode status = JSON.readTree(WebAdminClient.get(node, "/p0f/status"));
                assertThat(status.get("status").asText()).as("%s: %s", step, status).isEqualTo("degraded");
                assertThat(status.get("cause").asText()).contains("tcp:" + lab.p0fAddress(), "mail flows");
            }
        }
    }

    private static void assertLookedUpOnceNeverTheProxy(List<Map<String, Double>> before) throws Exception {
        List<Map<String, Double>> after = metrics();
        assertThat(delta(before, after, "p0f_lookups_total")).isEqualTo(1.0);
        assertThat(delta(before, after, "p0f_matches_total")).isEqualTo(1.0);
        assertThat(delta(before, after, "p0f_no_matches_total")).isZero();
    }

    /** Which node answered: the index of its greeting in the banner. */
    private static int node(Transcript session) {
        for (int i = 0; i < GREETINGS.length; i++) {
            if (session.banner().contains(GREETINGS[i])) {
                return i;
            }
        }
        throw new AssertionError("no node's greeting in " + session.banner());
    }

    /** The mail from {@code sender}, on whichever node delivered it. */
    private static Mail deliveredFrom(String sender) throws InterruptedException {
        return delivered(NODES.get(deliveringNode(sender))).stream()
            .filter(mail -> mail.getMaybeSender().asString().equals(sender)).findFirst().orElseThrow();
    }

    /** Which node delivered the mail from {@code sender} (waits for it). */
    private static int deliveringNode(String sender) throws InterruptedException {
        long deadline = System.nanoTime() + JamesTestServer.DEFAULT_AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (int node = 0; node < NODES.size(); node++) {
                if (delivered(NODES.get(node)).stream().anyMatch(mail -> mail.getMaybeSender().asString().equals(sender))) {
                    return node;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no mail from " + sender + " delivered by either node");
    }

    private static List<Mail> delivered(JamesTestServer node) {
        try {
            return node.mails(SampleConfigs.DELIVERED);
        } catch (IllegalStateException noRepositoryYet) {
            return List.of();
        }
    }

    private static String header(Mail mail, String name) throws Exception {
        return mail.getMessage().getHeader(name, null);
    }

    private static String message(String subject) {
        return "From: <someone@sender.example>\r\nTo: <" + RECIPIENT + ">\r\nSubject: " + subject + "\r\n\r\nhello\r\n";
    }

    private static List<Map<String, Double>> metrics() throws Exception {
        List<Map<String, Double>> all = new ArrayList<>();
        for (JamesTestServer node : NODES) {
            all.add(WebAdminClient.p0fMetrics(node));
        }
        return all;
    }

    /** The change of {@code name} on both nodes together. */
    private static double delta(List<Map<String, Double>> before, List<Map<String, Double>> after, String name) {
        double sum = 0;
        for (int i = 0; i < before.size(); i++) {
            sum += after.get(i).getOrDefault(name, 0.0) - before.get(i).getOrDefault(name, 0.0);
        }
        return sum;
    }
}
