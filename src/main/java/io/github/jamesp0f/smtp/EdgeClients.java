package io.github.jamesp0f.smtp;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.metrics.P0fMetrics;

/**
 * The p0f clients of a handler's {@link Edges}, leased from {@link P0fClients} (so shared with
 * every handler of the same settings): a proxied connection costs one query, to its proxy's p0f.
 */
final class EdgeClients implements AutoCloseable {

    private final Edges edges;
    private final Map<P0fClientConfig, P0fClients.Lease> leases = new LinkedHashMap<>();
    private final UnlistedProxies unlisted;

    EdgeClients(Edges edges, P0fClients clients, P0fMetrics metrics) {
        this.edges = edges;
        this.unlisted = new UnlistedProxies(metrics);
        for (P0fClientConfig client : edges.clients()) {
            leases.computeIfAbsent(client, clients::acquire);
        }
    }

    boolean isEmpty() {
        return edges.isEmpty();
    }

    /** The p0f that saw the clients of {@code proxy}; empty (counted, logged once) for a proxy no edge lists. */
    Optional<P0fClient> forProxy(InetAddress proxy) {
        Optional<P0fClient> client = edges.forProxy(proxy).map(config -> leases.get(config).client());
        if (client.isEmpty()) {
            unlisted.seen(proxy);
        }
        return client;
    }

    @Override
    public void close() {
        leases.values().forEach(P0fClients.Lease::close);
    }
}
