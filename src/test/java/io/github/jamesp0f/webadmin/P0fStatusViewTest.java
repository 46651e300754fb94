package io.github.jamesp0f.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.client.P0fClientStatus.State;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.fingerprint.P0fVersion;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.smtp.KernelSources;
import io.github.jamesp0f.smtp.P0fClients;
import reactor.core.publisher.Mono;

class P0fStatusViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SINCE = Instant.parse("2026-11-22T03:00:00Z");
    private static final P0fMetrics.SourceCounts NO_LOOKUPS = new P0fMetrics.SourceCounts(0, 0, 0);

    @Test
    void connectedClientsAreHealthyAndRenderEveryField() throws Exception {
        Map<P0fClientConfig, P0fClientStatus> statuses = new LinkedHashMap<>();
        statuses.put(settings("/run/p0f/p0f.sock"), status("/run/p0f/p0f.sock", State.CONNECTED, null));

        String json = new JsonTransformer().render(P0fStatusView.of(statuses, List.of(), NO_LOOKUPS));

        assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree("{\"status\":\"healthy\",\"cause\":null,\"clients\":[{\"endpoint\":\"unix:/run/p0f/p0f.sock\","
            + "\"version\":3,\"state\":\"CONNECTED\",\"since\":\"2026-11-22T03:00:00Z\",\"lastError\":null,"
            + "\"openConnections\":1,\"lookupsInFlight\":2,\"cacheSize\":3,\"timeoutMillis\":500}],"
            + "\"lookups\":{\"daemon\":0,\"kernel\":0,\"kernelNoSyn\":0},\"kernelSources\":[]}"));
    }

    @Test
    void aClientThatCannotReachP0fMakesTheExtensionDegradedNotUnhealthy() {
        Map<P0fClientConfig, P0fClientStatus> statuses = new LinkedHashMap<>();
        statuses.put(settings("/run/p0f/p0f.sock"), status("/run/p0f/p0f.sock", State.CONNECTED, null));
        statuses.put(settings("/run/p0f/other.sock"),
            status("/run/p0f/other.sock", State.BACKING_OFF, "SOCKET_MISSING: no socket at /run/p0f/other.sock"));

        P0fStatusView view = P0fStatusView.of(statuses, List.of(), NO_LOOKUPS);

        assertThat(view.getStatus()).isEqualTo("degraded");
        assertThat(view.getCause()).contains("p0f at unix:/run/p0f/other.sock unreachable since 2026-11-22T03:00:00Z",
            "SOCKET_MISSING: no socket at /run/p0f/other.sock", "mail flows without p0f fingerprints");
        assertThat(view.getCause()).doesNotContain("/run/p0f/p0f.sock");
    }

    @Test
    void aTcpEndpointIsNamedAsSuch() throws Exception {
        Map<P0fClientConfig, P0fClientStatus> statuses = new LinkedHashMap<>();
        statuses.put(settings("198.51.100.10:2999"), status("198.51.100.10:2999", State.BACKING_OFF,
            "CONNECTION_REFUSED: connection refused at tcp:198.51.100.10:2999"));

        P0fStatusView view = P0fStatusView.of(statuses, List.of(), NO_LOOKUPS);

        assertThat(JSON.readTree(new JsonTransformer().render(view)).get("clients").get(0).get("endpoint").asText())
            .isEqualTo("tcp:198.51.100.10:2999");
        assertThat(view.getCause()).startsWith("p0f at tcp:198.51.100.10:2999 unreachable since 2026-11-22T03:00:00Z");
    }

    @Test
    void aKernelSourceShowsItsDatabaseItsFallbacksAndItsSocketsAndTheLookupsOfEachSource() throws Exception {
        KernelSources.View kernel = new KernelSources.View("the jar's p0f.fp (contrib/p0f/p0f.fp) (330 SYN signatures,"
            + " 20 MTUs)", "no fingerprint (mail flows as without the extension)", "no fingerprint (mail flows as without"
            + " the extension)", Map.of("198.18.112.1:2525", "keeps SYNs"));

        String json = new JsonTransformer().render(P0fStatusView.of(Map.of(), List.of(kernel),
            new P0fMetrics.SourceCounts(0, 41, 1)));

        assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree("{\"status\":\"healthy\",\"cause\":null,\"clients\":[],"
            + "\"lookups\":{\"daemon\":0,\"kernel\":41,\"kernelNoSyn\":1},"
            + "\"kernelSources\":[{\"database\":\"the jar's p0f.fp (contrib/p0f/p0f.fp) (330 SYN signatures, 20 MTUs)\","
            + "\"insteadOnSocket\":\"no fingerprint (mail flows as without the extension)\","
            + "\"insteadOfSyn\":\"no fingerprint (mail flows as without the extension)\","
            + "\"sockets\":{\"198.18.112.1:2525\":\"keeps SYNs\"}}]}"));
    }

    @Test
    void idleAndNoClientsAreHealthy() {
        assertThat(P0fHealth.of(List.of()).level()).isEqualTo(P0fHealth.Level.HEALTHY);
        assertThat(P0fHealth.of(List.of(status("/s", State.IDLE, null))).level())
            .isEqualTo(P0fHealth.Level.HEALTHY);
        assertThat(P0fHealth.of(List.of(status("/s", State.CLOSED, null))).level())
            .isEqualTo(P0fHealth.Level.DEGRADED);
    }

    @Test
    void healthCheckSaysDegradedWithTheCause() {
        P0fClientStatus backingOff = status("/run/p0f/p0f.sock", State.BACKING_OFF, "CONNECTION_REFUSED: nobody listens");
        P0fClients clients = new P0fClients(new P0fMetrics(new RecordingMetricFactory()),
            (config, listener) -> reporting(backingOff));

        Result result;
        try (P0fClients.Lease lease = clients.acquire(settings("/run/p0f/p0f.sock"))) {
            result = Mono.from(new P0fHealthCheck(clients).check()).block();
        }

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getComponentName().getName()).isEqualTo("p0f");
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause).contains("CONNECTION_REFUSED"));
    }

    private static P0fClientStatus status(String socket, State state, String lastError) {
        P0fEndpoint endpoint = socket.startsWith("/") ? P0fEndpoint.unix(Paths.get(socket)) : P0fEndpoint.tcp(socket);
        return new P0fClientStatus(endpoint, P0fVersion.V3, state, SINCE, lastError, 1, 2, 3);
    }

    /** A client that only reports {@code status}: the health check reads nothing else. */
    private static P0fClient reporting(P0fClientStatus status) {
        return new P0fClient() {
            @Override
            public CompletableFuture<P0fLookup> lookup(InetAddress remote) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<P0fLookup> lookup(InetSocketAddress remote, InetSocketAddress local) {
                throw new UnsupportedOperationException();
            }

            @Override
            public P0fClientStatus status() {
                return status;
            }

            @Override
            public void close() {
            }
        };
    }

    private static P0fClientConfig settings(String socket) {
        return P0fClientConfig.builder(socket.startsWith("/") ? P0fEndpoint.unix(Paths.get(socket))
            : P0fEndpoint.tcp(socket)).build();
    }
}
