package io.github.jamesp0f.testing.james;

/**
 * The project's conf-samples, edited only as far as a test needs: one SMTP server on a loopback
 * port, no TLS, an authorized network nobody on loopback is in (so loopback clients are
 * "Internet" clients unless they authenticate), and delivery into memory repositories that
 * the test reads back.
 */
public final class SampleConfigs {

    public static final String HANDLER_CLASS = "io.github.jamesp0f.smtp.P0fConnectHandler";
    /** XPath of the p0f handler element(s) in smtpserver.xml. */
    public static final String HANDLER = "//handler[@class='" + HANDLER_CLASS + "']";
    /** Local deliveries end up here (the sample's local-delivery processor, replaced). */
    public static final String DELIVERED = "memory://var/mail/delivered/";
    /** Relayed mail (authenticated senders to remote domains) ends up here. */
    public static final String RELAYED = "memory://var/mail/relayed/";
    /** Nobody on loopback: loopback clients may not relay unless they authenticate. */
    public static final String NO_AUTHORIZED_NETWORK = "192.0.2.0/24";

    private SampleConfigs() {
    }

    /**
     * conf-samples/smtpserver.xml with its first server only, bound to 127.0.0.1:{@code port},
     * the p0f handler pointing at {@code socketPath} and otherwise as in the sample.
     */
    public static XmlConfig smtpServer(int port, String socketPath) {
        return smtpServer("127.0.0.1", port, socketPath);
    }

    /** As {@link #smtpServer(int, String)}, bound to {@code bindHost} ("0.0.0.0" also accepts ::1). */
    public static XmlConfig smtpServer(String bindHost, int port, String socketPath) {
        return sampleServer(1, bindHost, port, socketPath);
    }

    /**
     * The sample's submission server (its third, port 587: AUTH for your users), bound to
     * 127.0.0.1:{@code port}, edited as {@link #smtpServer(int, String)} is (no TLS).
     */
    public static XmlConfig submissionServer(int port, String socketPath) {
        return sampleServer(3, "127.0.0.1", port, socketPath);
    }

    private static XmlConfig sampleServer(int position, String bindHost, int port, String socketPath) {
        return XmlConfig.sample("smtpserver.xml")
            .keepOnly("/smtpservers/smtpserver", position)
            .setText("/smtpservers/smtpserver/bind", bindHost + ":" + port)
            .setAttribute("/smtpservers/smtpserver/tls", "startTLS", "false")
            .setAttribute("/smtpservers/smtpserver/tls", "socketTLS", "false")
            .setText("/smtpservers/smtpserver/authorizedAddresses", NO_AUTHORIZED_NETWORK)
            .setText("/smtpservers/smtpserver/auth/announce", "forUnauthorizedAddresses")
            .setText("/smtpservers/smtpserver/auth/requireSSL", "false")
            .setText(HANDLER + "/socketPath", socketPath);
    }

    /**
     * One smtpserver.xml holding several servers (one James, several handler configurations):
     * each argument is a configuration from {@link #smtpServer}; their jmxNames are made unique.
     */
    public static XmlConfig smtpServers(XmlConfig... servers) {
        StringBuilder xml = new StringBuilder("<smtpservers>");
        for (int i = 0; i < servers.length; i++) {
            xml.append(servers[i].copy().setText("/smtpservers/smtpserver/jmxName", "smtpserver-" + i)
                .fragment("/smtpservers/smtpserver"));
        }
        return XmlConfig.parse(xml.append("</smtpservers>").toString());
    }

    /** The p0f daemon's elements of the handler, which the samples set and the kernel source alone does not take. */
    private static final String[] DAEMON_ELEMENTS = {"socketPath", "p0fAddress", "version", "localAddress", "timeout",
        "connections", "cacheTtl", "cacheSize", "noMatchRetryDelay", "retryWindow"};

    /** {@code server}'s p0f handler with {@code <source>kernel</source>} and no p0f daemon. */
    public static XmlConfig kernelSource(XmlConfig server) {
        for (String element : DAEMON_ELEMENTS) {
            server.removeIfPresent(HANDLER + "/" + element);
        }
        return server.setChild(HANDLER, "source", "kernel");
    }

    /** smtpserver.xml without the p0f handler: James as if the extension were not installed. */
    public static XmlConfig smtpServerWithoutExtension(int port) {
        return smtpServer(port, "/unused").remove(HANDLER);
    }

    /**
     * conf-samples/mailetcontainer.xml with delivery into {@link #DELIVERED} (local) and
     * {@link #RELAYED} (remote) instead of mailboxes and RemoteDelivery.
     */
    public static XmlConfig mailetContainer() {
        return XmlConfig.sample("mailetcontainer.xml")
            .setText("/mailetcontainer/spooler/threads", "4")
            .replaceChildren("//processor[@state='local-delivery']", toRepository(DELIVERED))
            .replaceChildren("//processor[@state='relay']", toRepository(RELAYED))
            .replaceInValues("file://", "memory://");
    }

    public static String toRepository(String repository) {
        return "<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + repository + "</repositoryPath></mailet>";
    }
}
