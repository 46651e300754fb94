package io.github.jamesp0f.webadmin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fClientConfig;

/**
 * The JSON body of {@code GET /p0f/status}: the overall health and one entry per p0f client.
 * Plain getters, rendered by James's own webadmin JSON mapper.
 */
public final class P0fStatusView {

    private final P0fHealth health;
    private final List<Client> clients;

    private P0fStatusView(P0fHealth health, List<Client> clients) {
        this.health = health;
        this.clients = clients;
    }

    public static P0fStatusView of(Map<P0fClientConfig, P0fClientStatus> statuses) {
        return new P0fStatusView(P0fHealth.of(statuses.values()),
            statuses.entrySet().stream()
                .map(entry -> new Client(entry.getKey(), entry.getValue()))
                .collect(Collectors.toList()));
    }

    /** "healthy" or "degraded", as James's /healthcheck spells them. */
    public String getStatus() {
        return health.level().name().toLowerCase(Locale.ROOT);
    }

    public String getCause() {
        return health.cause().orElse(null);
    }

    public List<Client> getClients() {
        return clients;
    }

    /** One p0f client: where it asks, how it is doing, since when. */
    public static final class Client {
        private final P0fClientConfig config;
        private final P0fClientStatus status;

        private Client(P0fClientConfig config, P0fClientStatus status) {
            this.config = config;
            this.status = status;
        }

        /** {@code unix:/run/p0f/p0f.sock} or {@code tcp:198.51.100.10:2999}. */
        public String getEndpoint() {
            return status.endpoint().toString();
        }

        public int getVersion() {
            return status.version().number();
        }

        public String getState() {
            return status.state().name();
        }

        /** ISO-8601, UTC. */
        public String getSince() {
            return status.since() == null ? null : status.since().toString();
        }

        public String getLastError() {
            return status.lastError().orElse(null);
        }

        public int getOpenConnections() {
            return status.openConnections();
        }

        public int getLookupsInFlight() {
            return status.lookupsInFlight();
        }

        public int getCacheSize() {
            return status.cacheSize();
        }

        public long getTimeoutMillis() {
            return config.timeout().toMillis();
        }
    }
}
