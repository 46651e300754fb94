package io.github.jamesp0f.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;

import org.junit.jupiter.api.Test;

class AddressAndPortTest {

    @Test
    void ipv4WithAndWithoutPort() throws Exception {
        assertThat(AddressAndPort.parse("192.0.2.1").toString()).isEqualTo("192.0.2.1");
        AddressAndPort withPort = AddressAndPort.parse("192.0.2.1:25");
        assertThat(withPort.address().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(withPort.port()).hasValue(25);
    }

    @Test
    void ipv6PlainAndBracketedWithPort() throws Exception {
        AddressAndPort plain = AddressAndPort.parse("2001:db8::1");
        assertThat(plain.address()).isInstanceOf(Inet6Address.class);
        assertThat(plain.port()).isEmpty();
        AddressAndPort bracketed = AddressAndPort.parse("[2001:db8::1]:587");
        assertThat(bracketed.port()).hasValue(587);
        assertThat(bracketed.toString()).isEqualTo("[2001:db8:0:0:0:0:0:1]:587");
    }

    @Test
    void ipv4MappedIpv6IsAskedAsIpv4() throws Exception {
        assertThat(AddressAndPort.parse("::ffff:192.0.2.7").address())
            .isInstanceOf(Inet4Address.class)
            .hasToString("/192.0.2.7");
    }

    @Test
    void hostNamesAreRefusedWithoutAskingDns() {
        assertThatThrownBy(() -> AddressAndPort.parse("localhost"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> AddressAndPort.parse("mx.example.com:25"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> AddressAndPort.parse("2001:db8::zz"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> AddressAndPort.parse("[2001:db8::1]:0"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be a number from 1 to 65535");
    }
}
