package io.github.jamesp0f.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.client.transport.V2P0fClient;
import io.github.jamesp0f.client.transport.V3P0fClient;

/** Bad settings are refused when the configuration is built, naming the setting and the value. */
class P0fClientConfigTest {

    private static final Path SOCKET = Path.of("/run/p0f/p0f.sock");

    @Test
    void badSettingsNameWhatWasWrong() {
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(Duration.ZERO), "timeout must be greater than zero");
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(Duration.ofMillis(-1)), "timeout");
        assertRefused(P0fClientConfig.builder(SOCKET).timeout(null), "timeout");
        assertRefused(P0fClientConfig.builder(SOCKET).version(4), "version must be 2 or 3, not 4");
        assertRefused(P0fClientConfig.builder(SOCKET).maxConnections(0), "maxConnections");
        assertRefused(P0fClientConfig.builder(SOCKET).maxConnections(11), "maxConnections");
        assertRefused(P0fClientConfig.builder(SOCKET).cacheSize(0), "cacheSize");
        assertRefused(P0fClientConfig.builder(SOCKET).cacheTtl(Duration.ofSeconds(-1)), "cacheTtl");
        assertRefused(P0fClientConfig.builder(SOCKET).retryWindow(Duration.ZERO), "retryWindow");
        assertRefused(P0fClientConfig.builder(Path.of("")), "socket path");
    }

    @Test
    void factoryPicksTheProtocolVersion() {
        try (P0fClient v3 = P0fClient.create(P0fClientConfig.builder(SOCKET).build());
             P0fClient v2 = P0fClient.create(P0fClientConfig.builder(SOCKET).version(2).build())) {
            assertThat(v3).isInstanceOf(V3P0fClient.class);
            assertThat(v2).isInstanceOf(V2P0fClient.class);
            assertThat(v3.status().state()).isEqualTo(P0fClientStatus.State.IDLE);
        }
    }

    @Test
    void clientsRefuseTheOtherVersionsConfiguration() {
        assertThatThrownBy(() -> new V3P0fClient(P0fClientConfig.builder(SOCKET).version(2).build()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v2");
        assertThatThrownBy(() -> new V2P0fClient(P0fClientConfig.builder(SOCKET).build()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v3");
    }

    private static void assertRefused(P0fClientConfig.Builder builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
