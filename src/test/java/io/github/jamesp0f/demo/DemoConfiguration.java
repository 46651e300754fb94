package io.github.jamesp0f.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.XmlConfig;

/**
 * Writes the demo James's conf/: smtpserver.xml and mailetcontainer.xml derived from the
 * project's conf-samples (so the demo runs what administrators copy), edited for the demo:
 * loopback ports, the demo's p0f socket (or, with a kernel link, the kernel source on epoll, listening on
 * that link's address too, where the crafted clients are), FreeBSD blocked, the sample's greylisting recipe for Windows with
 * a short block time, mail delivered to mailboxes; plus the small files of contrib/demo/conf
 * (IMAP, webadmin, users, domains) with their @PLACEHOLDERS@ filled in. {@link #behindProxy} makes
 * it a node behind the demo's edge (run.sh --behind-proxy), as docs/deployment.md configures one.
 */
final class DemoConfiguration {

    static final String DEMO_TIMEOUT = "3s";
    static final String GREYLIST_RECIPE_START = "<handler class=\"io.github.jamesp0f.greylist.P0fGreylistHandler\">";
    static final Path TEMPLATES = Paths.get(System.getProperty("basedir", "."), "contrib", "demo", "conf");

    private final int smtpPort;
    private final int imapPort;
    private final int webAdminPort;
    private final String p0fSocket;
    private final String kernelLink;
    private final String blockTime;
    private final String dnsServer;
    private Node node;

    /** A node behind the edge: where it listens, the balancer, the edge's p0f, the shared greylist store. */
    static final class Node {
        final String smtpBind;
        final String greeting;
        final String proxy;
        final String p0fAddress;
        final String greylistJdbcUrl;
        final String greylistJdbcUser;

        Node(String smtpBind, String greeting, String proxy, String p0fAddress, String greylistJdbcUrl,
             String greylistJdbcUser) {
            this.smtpBind = smtpBind;
            this.greeting = greeting;
            this.proxy = proxy;
            this.p0fAddress = p0fAddress;
            this.greylistJdbcUrl = greylistJdbcUrl;
            this.greylistJdbcUser = greylistJdbcUser;
        }
    }

    /**
     * {@code kernelLink}: null for the p0f daemon at {@code p0fSocket}, else the address of the TUN
     * link the crafted clients come from, and the kernel source; {@code dnsServer}: James's only DNS
     * server, or null for James's default (the system's).
     */
    DemoConfiguration(int smtpPort, int imapPort, int webAdminPort, String p0fSocket, String kernelLink,
                      String blockTime, String dnsServer) {
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
        this.webAdminPort = webAdminPort;
        this.p0fSocket = p0fSocket;
        this.kernelLink = kernelLink;
        this.blockTime = blockTime;
        this.dnsServer = dnsServer;
    }

    /** This James is {@code node}, behind the edge: the PROXY header required, p0f asked over TCP. */
    DemoConfiguration behindProxy(Node node) {
        this.node = node;
        return this;
    }

    void writeTo(Path conf) throws IOException {
        Files.createDirectories(conf);
        smtpServer().writeTo(conf.resolve("smtpserver.xml"));
        mailetContainer().writeTo(conf.resolve("mailetcontainer.xml"));
        if (dnsServer != null) {
            Files.write(conf.resolve("dnsservice.xml"), ("<dnsservice><servers><server>" + dnsServer + "</server></servers>"
                + "<autodiscover>false</autodiscover><authoritative>false</authoritative>"
                + "<maxcachesize>50000</maxcachesize></dnsservice>\n").getBytes(StandardCharsets.UTF_8));
        }
        try (DirectoryStream<Path> templates = Files.newDirectoryStream(TEMPLATES)) {
            for (Path template : templates) {
                String text = new String(Files.readAllBytes(template), StandardCharsets.UTF_8)
                    .replace("@SMTP_PORT@", Integer.toString(smtpPort))
                    .replace("@IMAP_PORT@", Integer.toString(imapPort))
                    .replace("@WEBADMIN_PORT@", Integer.toString(webAdminPort));
                Files.write(conf.resolve(template.getFileName().toString()), text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The sample's port-25 server on loopback, nobody on loopback allowed to relay, FreeBSD refused, Windows greylisted. */
    XmlConfig smtpServer() throws IOException {
        XmlConfig greylist = greylistRecipe()
            .setText("/handler/blockTime", blockTime);
        if (node == null) {
            greylist.removeIfPresent("/handler/jdbc"); // this James's own memory store
        } else {
            // Shared by the nodes: a retry balanced to the other node is recognised there.
            greylist.replaceChildren("/handler/jdbc", "<url>" + node.greylistJdbcUrl + "</url><user>"
                + node.greylistJdbcUser + "</user><poolSize>2</poolSize><table>p0f_greylist</table>");
        }
        XmlConfig smtp;
        if (kernelLink == null) {
            smtp = SampleConfigs.smtpServer(node == null ? "127.0.0.1" : node.smtpBind, smtpPort,
                    node == null ? p0fSocket : "/unused")
                // The sample's 500ms suits a mail server; the demo must also pass on a CI machine at load 15+,
                // where 500ms lookups were seen to time out.
                .setText(SampleConfigs.HANDLER + "/timeout", DEMO_TIMEOUT);
        } else {
            smtp = SampleConfigs.kernelSource(SampleConfigs.smtpServer(smtpPort, "/unused"))
                .setText("/smtpservers/smtpserver/bind", "127.0.0.1:" + smtpPort + ", " + kernelLink + ":" + smtpPort)
                .setChild("/smtpservers/smtpserver", "useEpoll", "true");
        }
        smtp.setText("/smtpservers/smtpserver/smtpGreeting", node == null ? "James with james-p0f (demo)" : node.greeting)
            .setText(SampleConfigs.HANDLER + "/blockedOperatingSystems", "FreeBSD")
            .insertBefore("//handler[@class='org.apache.james.smtpserver.fastfail.ValidRcptHandler']",
                greylist.toString().replaceFirst("^<\\?xml[^>]*\\?>", ""));
        if (node != null) {
            // docs/deployment.md's node: the balancer's header required, its health checks not looked up.
            smtp.setChild("/smtpservers/smtpserver", "proxyRequired", "true")
                .remove(SampleConfigs.HANDLER + "/socketPath")
                .append(SampleConfigs.HANDLER, "<p0fAddress>" + node.p0fAddress + "</p0fAddress>")
                .append(SampleConfigs.HANDLER, "<neverLookUp>" + node.proxy + "/32</neverLookUp>");
        }
        return smtp;
    }

    /** The "greylist Windows senders" recipe, commented out in conf-samples/smtpserver.xml. */
    static XmlConfig greylistRecipe() throws IOException {
        String sample = new String(Files.readAllBytes(XmlConfig.SAMPLES.resolve("smtpserver.xml")), StandardCharsets.UTF_8);
        int start = sample.indexOf(GREYLIST_RECIPE_START);
        if (start < 0) {
            throw new IllegalStateException("no greylisting recipe (" + GREYLIST_RECIPE_START + ") in conf-samples/smtpserver.xml");
        }
        return XmlConfig.parse(sample.substring(start, sample.indexOf("</handler>", start) + "</handler>".length()));
    }

    /** The sample's mail processing, delivering into the demo user's mailbox; no JMAP or vacation in the demo. */
    XmlConfig mailetContainer() {
        return XmlConfig.sample("mailetcontainer.xml")
            .setText("/mailetcontainer/spooler/threads", "4")
            .removeIfPresent("//mailet[@class='org.apache.james.jmap.mailet.filter.JMAPFiltering']")
            .removeIfPresent("//mailet[@class='VacationMailet']")
            .replaceInValues("file://", "memory://");
    }
}
