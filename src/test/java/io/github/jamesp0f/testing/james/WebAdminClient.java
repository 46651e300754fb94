package io.github.jamesp0f.testing.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** GETs from the webadmin of a {@link JamesTestServer} started with {@code webAdmin(...)}. */
public final class WebAdminClient {

    public static final String METRICS_ROUTES = "org.apache.james.webadmin.dropwizard.MetricsRoutes";

    private WebAdminClient() {
    }

    /** James's Prometheus text, p0f's metrics only: name to value. */
    public static Map<String, Double> p0fMetrics(JamesTestServer james) throws IOException {
        Map<String, Double> metrics = new HashMap<>();
        for (String line : get(james, "/metrics").split("\n")) {
            if (line.startsWith("p0f_")) {
                String[] parts = line.split(" ");
                metrics.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return metrics;
    }

    /** The body of a GET that must answer 200. */
    public static String get(JamesTestServer james, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
            new URL("http://127.0.0.1:" + james.webAdminPort() + path).openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        try (InputStream in = connection.getInputStream()) {
            assertThat(connection.getResponseCode()).as("GET %s", path).isEqualTo(200);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }
}
