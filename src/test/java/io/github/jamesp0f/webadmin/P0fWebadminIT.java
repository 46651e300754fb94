package io.github.jamesp0f.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.SmtpTestClient;
import io.github.jamesp0f.testing.james.WebAdminClient;

/**
 * The status route and the metrics in a real in-memory James (3.8.x or 3.9.0), with the packaged jar in
 * extensions-jars and the route named in webadmin.properties, against a real p0f that is then
 * stopped: the route reports the state, the numbers move with the mail, mail keeps flowing.
 */
class P0fWebadminIT {

    private static final String STATUS_ROUTES = "io.github.jamesp0f.webadmin.P0fStatusRoutes";
    private static final String METRICS_ROUTES = WebAdminClient.METRICS_ROUTES;
    private static final String RECIPIENT = "rcpt@" + JamesTestServer.DOMAIN;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void routeAndMetricsFollowP0fUpAndDown() throws Exception {
        RealP0f.assumeAvailable();
        try (RealP0f p0f = RealP0f.builder().start();
             JamesTestServer james = JamesTestServer.builder()
                 .smtpServer(SampleConfigs.smtpServer(p0f.watchedPort(), p0f.socketPath().toString())
                     // Every mail asks p0f, so that its absence shows at once.
                     .setText(SampleConfigs.HANDLER + "/cacheTtl", "0"))
                 .mailetContainer(SampleConfigs.mailetContainer())
                 .user(RECIPIENT, "secret")
                 .webAdmin(STATUS_ROUTES, METRICS_ROUTES)
                 .start()) {

            String socket = p0f.socketPath().toString();
            JsonNode idle = get(james, "/p0f/status");
            assertThat(idle.get("status").asText()).isEqualTo("healthy");
            assertThat(idle.get("clients")).hasSize(1);
            assertThat(idle.get("clients").get(0).get("endpoint").asText()).isEqualTo("unix:" + socket);
            assertThat(idle.get("clients").get(0).get("version").asInt()).isEqualTo(3);
            Map<String, Double> before = WebAdminClient.p0fMetrics(james);

            assertThat(send(james, "up")).isEqualTo(250);
            james.awaitMails(SampleConfigs.DELIVERED, 1);

            JsonNode up = get(james, "/p0f/status");
            JsonNode upClient = up.get("clients").get(0);
            assertThat(up.get("status").asText()).isEqualTo("healthy");
            assertThat(upClient.get("state").asText()).isEqualTo("CONNECTED");
            assertThat(upClient.get("openConnections").asInt()).isPositive();
            assertThat(upClient.get("since").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            Map<String, Double> afterUp = WebAdminClient.p0fMetrics(james);
            assertThat(delta(before, afterUp, "p0f_lookups_total")).isEqualTo(1.0);
            assertThat(delta(before, afterUp, "p0f_matches_total")).isEqualTo(1.0);
            assertThat(delta(before, afterUp, "p0f_lookup_latency_count")).isEqualTo(1.0);

            p0f.close();
            assertThat(send(james, "down")).as("mail flows without p0f").isEqualTo(250);
            james.awaitMails(SampleConfigs.DELIVERED, 2);

            JsonNode down = get(james, "/p0f/status");
            JsonNode downClient = down.get("clients").get(0);
            assertThat(down.get("status").asText()).isEqualTo("degraded");
            assertThat(down.get("cause").asText()).contains(socket, "mail flows");
            assertThat(downClient.get("state").asText()).isEqualTo("BACKING_OFF");
            assertThat(downClient.get("lastError").asText()).isNotBlank();
            Map<String, Double> afterDown = WebAdminClient.p0fMetrics(james);
            assertThat(delta(afterUp, afterDown, "p0f_lookups_total")).isEqualTo(1.0);
            assertThat(delta(afterUp, afterDown, "p0f_unavailable_total")).isEqualTo(1.0);
            assertThat(afterDown.entrySet().stream()
                .filter(metric -> metric.getKey().startsWith("p0f_failures_"))
                .mapToDouble(metric -> metric.getValue() - afterUp.getOrDefault(metric.getKey(), 0.0)).sum())
                .as("one failure counted, whatever its kind: %s", afterDown).isEqualTo(1.0);
        }
    }

    /** James (3.8.x and 3.9.0 alike) installs extension modules in a child injector: a HealthCheck added there stops James. */
    @Test
    void anExtensionModuleCannotAddAHealthCheck() {
        assertThatThrownBy(() -> JamesTestServer.builder()
            .smtpServer(SampleConfigs.smtpServer(FreePorts.next(), "/run/p0f/unused.sock"))
            .mailetContainer(SampleConfigs.mailetContainer())
            .webAdmin(STATUS_ROUTES)
            .confFile("extensions.properties", "guice.extension.module=io.github.jamesp0f.webadmin.P0fHealthCheckModule\n")
            .start()
            .close())
            .hasStackTraceContaining("Set<HealthCheck> was bound multiple times");
    }

    private static int send(JamesTestServer james, String subject) {
        try (SmtpTestClient client = SmtpTestClient.connect(james, "127.0.0.1")) {
            return client.sendMail("sender@example.org", RECIPIENT, "From: sender@example.org\r\nSubject: " + subject + "\r\n\r\nhello\r\n");
        }
    }

    private static JsonNode get(JamesTestServer james, String path) throws IOException {
        return JSON.readTree(WebAdminClient.get(james, path));
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        assertThat(after).as("metrics").containsKey(name);
        return after.get(name) - before.getOrDefault(name, 0.0);
    }
}
