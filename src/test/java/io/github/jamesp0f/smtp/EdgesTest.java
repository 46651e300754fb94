package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.StringReader;
import java.net.InetAddress;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;

class EdgesTest {

    /** A handler element as James reads it from smtpserver.xml. */
    static P0fHandlerConfig parse(String children) throws ConfigurationException {
        XMLConfiguration xml = new XMLConfiguration();
        new FileHandler(xml).load(new StringReader("<handler><socketPath>/run/p0f/p0f.sock</socketPath><timeout>300ms</timeout>"
            + children + "</handler>"));
        return P0fHandlerConfig.parse(xml, File::new);
    }

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void eachProxyPicksItsEdgesP0fWithTheHandlersSettings() throws Exception {
        Edges edges = parse("<edges><edge proxy=\"198.51.100.10/32\" p0fAddress=\"198.51.100.10:2999\"/>"
            + "<edge proxy=\"198.51.100.20/31\" p0fAddress=\"198.51.100.20:2999\"/>"
            + "<edge proxy=\"2001:db8::/64\" p0fAddress=\"[2001:db8::1]:2999\"/></edges>").edges();

        assertThat(edges.forProxy(ip("198.51.100.10")).orElseThrow().endpoint()).hasToString("tcp:198.51.100.10:2999");
        assertThat(edges.forProxy(ip("198.51.100.21")).orElseThrow().endpoint()).hasToString("tcp:198.51.100.20:2999");
        assertThat(edges.forProxy(ip("::ffff:198.51.100.21")).orElseThrow().endpoint()).hasToString("tcp:198.51.100.20:2999");
        assertThat(edges.forProxy(ip("2001:db8::5")).orElseThrow().endpoint().tcpAddress()).isPresent();
        assertThat(edges.forProxy(ip("198.51.100.11"))).isEmpty();
        assertThat(edges.forProxy(ip("198.51.100.10")).orElseThrow().timeout().toMillis()).isEqualTo(300);
        assertThat(edges.clients()).hasSize(3);
    }

    @Test
    void withoutEdgesThereAreNone() throws Exception {
        assertThat(parse("").edges().isEmpty()).isTrue();
    }

    @Test
    void eachMistakeInAnEdgeIsNamed() {
        assertFails("<edges></edges>", "<edges> has no <edge");
        assertFails("<edges><edge p0fAddress=\"198.51.100.10:2999\"/></edges>", "<edge> needs proxy=");
        assertFails("<edges><edge proxy=\"198.51.100.10/32\"/></edges>", "<edge proxy=\"198.51.100.10/32\"> needs p0fAddress=");
        assertFails("<edges><edge proxy=\"198.51.100.10/33\" p0fAddress=\"198.51.100.10:2999\"/></edges>", "prefix length");
        assertFails("<edges><edge proxy=\"lb.example\" p0fAddress=\"198.51.100.10:2999\"/></edges>", "lb.example");
        assertFails("<edges><edge proxy=\"198.51.100.10/32\" p0fAddress=\"edge.example:2999\"/></edges>",
            "<edge proxy=\"198.51.100.10/32\"> p0fAddress");
        assertFails("<edges><edge proxy=\"198.51.100.10/32\" p0fAddress=\"198.51.100.10\"/></edges>",
            "<edge proxy=\"198.51.100.10/32\"> p0fAddress");
        assertFails("<version>2</version><edges><edge proxy=\"198.51.100.10/32\" p0fAddress=\"198.51.100.10:2999\"/></edges>",
            "p0f 2");
    }

    @Test
    void overlappingProxiesAreRefusedNamingBoth() {
        assertFails("<edges><edge proxy=\"198.51.100.0/24\" p0fAddress=\"198.51.100.10:2999\"/>"
            + "<edge proxy=\"198.51.100.20/32\" p0fAddress=\"198.51.100.20:2999\"/></edges>",
            "overlap: 198.51.100.0/24 and 198.51.100.20/32");
        assertFails("<edges><edge proxy=\"198.51.100.20/32\" p0fAddress=\"198.51.100.20:2999\"/>"
            + "<edge proxy=\"198.51.100.0/24\" p0fAddress=\"198.51.100.10:2999\"/></edges>",
            "overlap: 198.51.100.20/32 and 198.51.100.0/24");
    }

    @Test
    void neighbouringNetworksDoNotOverlap() throws Exception {
        assertThat(parse("<edges><edge proxy=\"198.51.100.0/25\" p0fAddress=\"198.51.100.10:2999\"/>"
            + "<edge proxy=\"198.51.100.128/25\" p0fAddress=\"198.51.100.200:2999\"/>"
            + "<edge proxy=\"2001:db8::/32\" p0fAddress=\"198.51.100.30:2999\"/></edges>").edges().clients()).hasSize(3);
    }

    private static void assertFails(String children, String message) {
        assertThatThrownBy(() -> parse(children)).isInstanceOf(ConfigurationException.class).hasMessageContaining(message);
    }
}
