package io.github.jamesp0f.client;

import io.github.jamesp0f.fingerprint.P0fVersion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.client.P0fClientConfig.InvalidSettingException;
import io.github.jamesp0f.client.P0fClientConfig.Setting;
import io.github.jamesp0f.client.transport.P0fClientFactory;

/** Bad settings are refused when the configuration is built, naming the setting and the value. */
class P0fClientConfigTest {

    private static final Path SOCKET = Path.of("/run/p0f/p0f.sock");

    @Test
    void badSettingsNameWhatWasWrong() throws Exception {
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(Duration.ZERO), Setting.TIMEOUT,
            "timeout must be greater than zero, not 0ms");
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(Duration.ofMillis(-1)), Setting.TIMEOUT, "timeout");
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(null), Setting.TIMEOUT, "timeout");
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(Duration.ofDays(400)), Setting.TIMEOUT, "at most 365 days");
        assertRefused(P0fClientConfig.builder(SOCKET).connections(0), Setting.CONNECTIONS, "connections");
        assertRefused(P0fClientConfig.builder(SOCKET).connections(11), Setting.CONNECTIONS,
            "connections must be between 1 and 10");
        assertRefused(P0fClientConfig.builder(SOCKET).cacheSize(0), Setting.CACHE_SIZE, "cacheSize");
        assertRefused(P0fClientConfig.builder(SOCKET).cacheTtl(Duration.ofSeconds(-1)), Setting.CACHE_TTL, "cacheTtl");
        assertRefused(P0fClientConfig.builder(SOCKET).retryWindow(Duration.ZERO), Setting.RETRY_WINDOW, "retryWindow");
        assertRefused(P0fClientConfig.builder(Path.of("")), Setting.SOCKET_PATH, "socketPath must not be empty");
        assertRefused(P0fClientConfig.builder(SOCKET).localAddress(InetAddress.getByName("192.0.2.25")),
            Setting.LOCAL_ADDRESS, "localAddress is only used by p0f v2");
    }

    @Test
    void aTcpEndpointIsAnIpLiteralAndAPortForP0f3() {
        P0fEndpoint tcp = P0fEndpoint.tcp("198.51.100.10:2999");
        assertThat(P0fClientConfig.builder(tcp).build().endpoint()).isEqualTo(tcp);
        assertThat(P0fClientConfig.builder(tcp).build()).hasToString("p0f v3 at tcp:198.51.100.10:2999 (timeout 500ms, "
            + "connections 2, cacheTtl 60000ms, cacheSize 10000, noMatchRetryDelay 25ms, retryWindow 5000ms)");
        assertRefused(P0fClientConfig.builder(tcp).version(P0fVersion.V2), Setting.P0F_ADDRESS,
            "p0fAddress is for p0f 3 only: p0f 2 serves its API on a unix socket");
        assertThatThrownBy(() -> P0fEndpoint.tcp("localhost:2999")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("\"localhost:2999\" is not an IP address (host names are not looked up)");
        assertThatThrownBy(() -> P0fEndpoint.tcp("198.51.100.10")).hasMessageStartingWith("\"198.51.100.10\" has no port");
        assertThatThrownBy(() -> P0fEndpoint.tcp(InetSocketAddress.createUnresolved("p0f.example", 2999)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be an IP address and a port");
    }

    @Test
    void endpointsAreValues() {
        assertThat(P0fEndpoint.tcp("198.51.100.10:2999")).isEqualTo(P0fEndpoint.tcp(" 198.51.100.10:2999"))
            .hasSameHashCodeAs(P0fEndpoint.tcp("198.51.100.10:2999"))
            .isNotEqualTo(P0fEndpoint.tcp("198.51.100.10:3000"))
            .isNotEqualTo(P0fEndpoint.unix(Path.of("198.51.100.10:2999")));
        assertThat(P0fEndpoint.tcp("[2001:db8::10]:2999")).isEqualTo(P0fEndpoint.tcp("[2001:DB8:0::10]:2999"))
            .hasToString("tcp:[2001:db8:0:0:0:0:0:10]:2999");
        assertThat(P0fEndpoint.unix(SOCKET)).hasToString("unix:/run/p0f/p0f.sock");
        assertThat(P0fClientConfig.builder(SOCKET).build())
            .isEqualTo(P0fClientConfig.builder(P0fEndpoint.unix(Path.of("/run/p0f/p0f.sock"))).build())
            .isNotEqualTo(P0fClientConfig.builder(P0fEndpoint.tcp("127.0.0.1:2999")).build());
    }

    @Test
    void theVersionIsOneOfTwo() {
        assertThat(P0fVersion.parse(" 2 ")).isEqualTo(P0fVersion.V2);
        assertThat(P0fVersion.of(3)).isEqualTo(P0fVersion.V3);
        assertThatThrownBy(() -> P0fVersion.parse("4")).hasMessage(
            "must be 3 (p0f 3.x, p0f -s) or 2 (p0f 2.0.x, p0f -Q), not \"4\"");
        assertThatThrownBy(() -> P0fVersion.of(1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(P0fVersion.find(5)).isEmpty();
    }

    @Test
    void equalSettingsAreEqualConfigurations() throws Exception {
        P0fClientConfig a = P0fClientConfig.builder(SOCKET).version(P0fVersion.V2)
            .localAddress(InetAddress.getByName("192.0.2.25")).timeout(Duration.ofSeconds(1)).build();
        P0fClientConfig b = P0fClientConfig.builder(Path.of("/run/p0f/p0f.sock")).version(P0fVersion.V2)
            .localAddress(InetAddress.getByName("192.0.2.25")).timeout(Duration.ofMillis(1000)).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toBuilder().build()).isEqualTo(a);
        assertThat(a.toBuilder().cacheSize(5).build()).isNotEqualTo(a);
        assertThat(a.toBuilder().connections(3).build()).isNotEqualTo(a);
    }

    @Test
    void factoryPicksTheProtocolVersion() {
        try (P0fClient v3 = P0fClientFactory.create(P0fClientConfig.builder(SOCKET).build());
             P0fClient v2 = P0fClientFactory.create(P0fClientConfig.builder(SOCKET).version(P0fVersion.V2).build())) {
            assertThat(v3.status().version()).isEqualTo(P0fVersion.V3);
            assertThat(v2.status().version()).isEqualTo(P0fVersion.V2);
            assertThat(v3.status().state()).isEqualTo(P0fClientStatus.State.IDLE);
        }
    }

    private static void assertRefused(P0fClientConfig.Builder builder, Setting setting, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(InvalidSettingException.class).hasMessageContaining(message)
            .satisfies(e -> assertThat(((InvalidSettingException) e).setting()).isEqualTo(setting));
    }
}
