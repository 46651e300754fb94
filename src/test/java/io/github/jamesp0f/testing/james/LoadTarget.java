package io.github.jamesp0f.testing.james;

import java.util.ArrayList;
import java.util.List;

/**
 * The James under SMTP load, in a JVM of its own (started by {@link SmtpLoadHarness}): the
 * in-memory James of the tests with the sample configuration, several SMTP servers side by side,
 * delivering into the Null mailet so that a long run neither fills the heap with stored mail nor
 * slows down as it does.
 *
 * <p>Arguments: one per SMTP server, {@code PORT} for a server without the p0f handler (James as
 * if james-p0f were not installed, but for the p0f mailets, which find nothing to do on its mail),
 * {@code PORT=SOCKET[=CACHETTL]} for one whose p0f handler asks that socket ({@code tcp:IP:PORT}:
 * that address, as {@code <p0fAddress>}), with {@code cacheTtl 0} unless told otherwise (every
 * session really asks p0f: the worst case for the extension), or {@code PORT=kernel} for one whose
 * handler reads the kernel's saved SYN, with no daemon; {@code proxied:} in front requires the
 * PROXY header ({@code proxyRequired}). With {@code -Dload.epoll=true} (the default on James 3.9)
 * every server uses Netty's epoll transport ({@code <useEpoll>true</useEpoll>}). Webadmin runs with James's metrics
 * route, so that the harness can read the p0f counters. With {@code -Dload.p0fMailets=false} the
 * p0f mailets are left out of the mailet container. Prints {@value #READY} and the webadmin
 * port once SMTP accepts, then serves until its standard input closes.
 */
public final class LoadTarget {

    static final String READY = "load-target-ready";
    static final String RECIPIENT = "user@example.test";
    /** Prefix of a server that requires the PROXY header. */
    static final String PROXIED = "proxied:";
    /** Prefix of a p0f endpoint over TCP ({@code <p0fAddress>}) rather than a socket. */
    static final String TCP = "tcp:";
    static final String METRICS_ROUTES = "org.apache.james.webadmin.dropwizard.MetricsRoutes";
    /** System property: {@code false} leaves the p0f mailets out of the mailet container. */
    static final String P0F_MAILETS = "load.p0fMailets";
    /** System property: {@code true} puts every server on Netty's epoll transport (James 3.9 and later; its default there). */
    static final String EPOLL = "load.epoll";
    static final String KERNEL = "kernel";
    private static final String DISCARD = "<mailet match=\"All\" class=\"Null\"/>";

    private LoadTarget() {
    }

    public static void main(String[] args) throws Exception {
        try (JamesTestServer james = configure(args).start()) {
            System.out.println(READY + " " + james.webAdminPort());
            System.out.flush();
            // Returns when the harness closes our standard input, or dies.
            while (System.in.read() >= 0) {
                continue;
            }
        }
        System.exit(0);
    }

    static JamesTestServer.Builder configure(String... servers) {
        List<XmlConfig> smtpServers = new ArrayList<>();
        for (String server : servers) {
            boolean proxied = server.startsWith(PROXIED);
            String[] parts = server.substring(proxied ? PROXIED.length() : 0).split("=");
            int port = Integer.parseInt(parts[0]);
            XmlConfig smtp;
            if (parts.length == 1) {
                smtp = SampleConfigs.smtpServerWithoutExtension(port);
            } else if (parts[1].equals(KERNEL)) {
                smtp = SampleConfigs.kernelSource(SampleConfigs.smtpServer(port, "/unused"));
            } else {
                smtp = SampleConfigs.smtpServer(port, parts[1])
                    .setChild(SampleConfigs.HANDLER, "cacheTtl", parts.length > 2 ? parts[2] : "0");
                if (parts[1].startsWith(TCP)) {
                    smtp.remove(SampleConfigs.HANDLER + "/socketPath")
                        .append(SampleConfigs.HANDLER, "<p0fAddress>" + parts[1].substring(TCP.length()) + "</p0fAddress>");
                }
            }
            if (proxied) {
                smtp.setChild("/smtpservers/smtpserver", "proxyRequired", "true");
            }
            smtpServers.add(smtp);
        }
        if (epoll()) {
            smtpServers.replaceAll(server -> server.setChild("/smtpservers/smtpserver", "useEpoll", "true"));
        }
        XmlConfig mailets = SampleConfigs.mailetContainer()
            .replaceChildren("//processor[@state='local-delivery']", DISCARD)
            .replaceChildren("//processor[@state='relay']", DISCARD);
        if (!Boolean.parseBoolean(System.getProperty(P0F_MAILETS, "true"))) {
            // The handler's and p0f's share of the cost alone: no header stamping, no routing by OS.
            mailets.remove("//mailet[starts-with(@class, 'io.github.jamesp0f.')]")
                .remove("//mailet[starts-with(@match, 'io.github.jamesp0f.')]");
        }
        return JamesTestServer.builder()
            .user(RECIPIENT, "secret")
            .webAdmin(METRICS_ROUTES)
            .smtpServer(SampleConfigs.smtpServers(smtpServers.toArray(new XmlConfig[0])))
            .mailetContainer(mailets);
    }

    /** {@value #EPOLL}, by default true where James has the epoll transport (3.9 and later). */
    static boolean epoll() {
        return Boolean.parseBoolean(System.getProperty(EPOLL, Boolean.toString(!JamesTestServer.jamesLine().equals("3.8"))));
    }
}
