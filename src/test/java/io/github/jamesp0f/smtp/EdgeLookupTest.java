package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.ProxyHeader;
import io.github.jamesp0f.testing.james.RawSmtpClient;
import io.github.jamesp0f.testing.james.SmtpProtocolStack;

/**
 * Several edges, in James's own SMTP stack: the connection's TCP peer (the proxy) picks the p0f
 * that is asked, once, about the client the PROXY header names; a proxy no edge lists is not
 * looked up, and counted.
 */
class EdgeLookupTest {

    static final String EDGES = "<edges><edge proxy=\"127.0.0.71/32\" p0fAddress=\"198.51.100.71:2999\"/>"
        + "<edge proxy=\"127.0.0.72/31\" p0fAddress=\"198.51.100.72:2999\"/></edges>";

    final RecordingMetricFactory metricFactory = new RecordingMetricFactory();
    final List<FakeP0fClient> created = new CopyOnWriteArrayList<>();
    final P0fClients clients = new P0fClients(new P0fMetrics(metricFactory), (config, listener) -> {
        FakeP0fClient client = new FakeP0fClient(config).answering(P0fConnectHandlerTest.LINUX);
        created.add(client);
        return client;
    });
    SmtpProtocolStack stack;

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    void start(boolean proxyRequired) throws Exception {
        XMLConfiguration xml = new XMLConfiguration();
        new FileHandler(xml).load(new StringReader("<handler><socketPath>/run/p0f/p0f.sock</socketPath>" + EDGES + "</handler>"));
        FileSystem fileSystem = Mockito.mock(FileSystem.class);
        P0fConnectHandler handler = new P0fConnectHandler(clients, new P0fMetrics(metricFactory), fileSystem);
        handler.init(xml);
        stack = SmtpProtocolStack.start(proxyRequired, handler);
    }

    /** Who was asked about what: "endpoint client" per lookup. */
    List<String> asked() {
        List<String> asked = new CopyOnWriteArrayList<>();
        for (FakeP0fClient client : created) {
            for (InetSocketAddress address : client.asked()) {
                asked.add(client.config().endpoint() + " " + address.getAddress().getHostAddress());
            }
        }
        return asked;
    }

    void proxiedSession(String proxy, String client) {
        try (RawSmtpClient smtp = stack.connect(proxy)) {
            smtp.send(ProxyHeader.v2(client, 40000, "127.0.0.1", 25), "EHLO client.example\r\n");
            assertThat(smtp.replyCodes(2)).containsExactly(220, 250);
        }
    }

    @Test
    void eachProxysEdgeIsAskedOnceAboutTheAnnouncedClient() throws Exception {
        start(true);
        proxiedSession("127.0.0.71", "192.0.2.171");
        proxiedSession("127.0.0.73", "192.0.2.173");

        assertThat(asked()).containsExactlyInAnyOrder("tcp:198.51.100.71:2999 192.0.2.171",
            "tcp:198.51.100.72:2999 192.0.2.173");
        assertThat(metricFactory.countFor("p0f_proxy_unlisted")).isZero();
    }

    @Test
    void aProxyNoEdgeListsIsNotLookedUpButCountedEachTime() throws Exception {
        start(true);
        proxiedSession("127.0.0.74", "192.0.2.174");
        proxiedSession("127.0.0.74", "192.0.2.175");

        assertThat(asked()).isEmpty();
        assertThat(metricFactory.countFor("p0f_proxy_unlisted")).isEqualTo(2);
    }

    @Test
    void onAServerWithoutProxyTheEdgesAreUnusedAndTheHandlersP0fIsAsked() throws Exception {
        start(false);
        try (RawSmtpClient smtp = stack.connect("127.0.0.71")) {
            smtp.send("EHLO client.example\r\n");
            assertThat(smtp.replyCodes(2)).containsExactly(220, 250);
        }
        assertThat(asked()).containsExactly("unix:/run/p0f/p0f.sock 127.0.0.71");
    }
}
