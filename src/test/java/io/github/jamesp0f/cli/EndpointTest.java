package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void ipv4WithAndWithoutPort() throws Exception {
        assertThat(Endpoint.parse("ADDRESS", "192.0.2.1").toString()).isEqualTo("192.0.2.1");
        Endpoint withPort = Endpoint.parse("ADDRESS", "192.0.2.1:25");
        assertThat(withPort.address().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(withPort.port()).hasValue(25);
    }

    @Test
    void ipv6PlainAndBracketedWithPort() throws Exception {
        Endpoint plain = Endpoint.parse("ADDRESS", "2001:db8::1");
        assertThat(plain.address()).isInstanceOf(Inet6Address.class);
        assertThat(plain.port()).isEmpty();
        Endpoint bracketed = Endpoint.parse("ADDRESS", "[2001:db8::1]:587");
        assertThat(bracketed.port()).hasValue(587);
        assertThat(bracketed.toString()).isEqualTo("[2001:db8:0:0:0:0:0:1]:587");
    }

    @Test
    void ipv4MappedIpv6IsAskedAsIpv4() throws Exception {
        assertThat(Endpoint.parse("ADDRESS", "::ffff:192.0.2.7").address())
            .isInstanceOf(Inet4Address.class)
            .hasToString("/192.0.2.7");
    }

    @Test
    void hostNamesAreRefusedWithoutAskingDns() {
        assertThatThrownBy(() -> Endpoint.parse("ADDRESS", "localhost"))
            .isInstanceOf(UsageException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Endpoint.parse("ADDRESS", "mx.example.com:25"))
            .isInstanceOf(UsageException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Endpoint.parse("ADDRESS", "2001:db8::zz"))
            .isInstanceOf(UsageException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Endpoint.parse("ADDRESS", "[2001:db8::1]:0"))
            .isInstanceOf(UsageException.class).hasMessageContaining("port must be a number from 1 to 65535");
    }
}
