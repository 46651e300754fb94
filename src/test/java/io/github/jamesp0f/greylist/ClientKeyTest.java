package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientKeyTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.7, false, 192.0.2.7",
        "192.0.2.7, true, 192.0.2.0/24",
        "::ffff:192.0.2.7, true, 192.0.2.0/24",
        "2001:db8:1:2::7, false, 2001:db8:1:2:0:0:0:7",
        "2001:db8:1:2:3:4:5:6, true, 2001:db8:1:2:0:0:0:0/64",
        "fe80::1%1, false, fe80:0:0:0:0:0:0:1",
    })
    void keys(String address, boolean grouped, String expected) throws Exception {
        assertThat(ClientKey.of(InetAddress.getByName(address), grouped)).isEqualTo(expected);
    }
}
