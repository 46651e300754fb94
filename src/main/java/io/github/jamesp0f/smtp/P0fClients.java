package io.github.jamesp0f.smtp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.transport.P0fClientFactory;
import io.github.jamesp0f.metrics.P0fMetrics;

/**
 * Every p0f client of this James, one per distinct {@link P0fClientConfig} (equal settings, one client): handlers of several
 * SMTP servers (25, 465, 587) that name the same socket share one client and its few p0f API
 * slots. Handlers {@link #acquire} a client in {@code init} and {@link Lease#close release} it in
 * {@code destroy}; the last release closes the client. The status page lists {@link #statuses()}.
 */
@Singleton
public class P0fClients {

    private static final Logger LOGGER = LoggerFactory.getLogger(P0fClients.class);

    private final P0fMetrics metrics;
    private final BiFunction<P0fClientConfig, P0fClientListener, P0fClient> factory;
    private final Map<P0fClientConfig, Shared> clients = new LinkedHashMap<>();

    @Inject
    public P0fClients(P0fMetrics metrics) {
        this(metrics, P0fClientFactory::create);
    }

    /** For tests: clients made by {@code factory} instead of the real transport. */
    public P0fClients(P0fMetrics metrics, BiFunction<P0fClientConfig, P0fClientListener, P0fClient> factory) {
        this.metrics = metrics;
        this.factory = factory;
    }

    /** The shared client for {@code config}, created on first use. Close the lease when done with it. */
    public synchronized Lease acquire(P0fClientConfig config) {
        Shared shared = clients.get(config);
        if (shared == null) {
            P0fClient client = factory.apply(config, new LoggingListener(config, metrics.clientListener()));
            shared = new Shared(client);
            clients.put(config, shared);
            LOGGER.info("p0f client started: {}", config);
        }
        shared.users++;
        return new Lease(config, shared.client);
    }

    /** Each open client's config and health, in the order they were created. */
    public synchronized Map<P0fClientConfig, P0fClientStatus> statuses() {
        Map<P0fClientConfig, P0fClientStatus> statuses = new LinkedHashMap<>();
        clients.forEach((config, shared) -> statuses.put(config, shared.client.status()));
        return statuses;
    }

    private synchronized void release(P0fClientConfig config, P0fClient client) {
        Shared shared = clients.get(config);
        if (shared == null || shared.client != client) {
            return;
        }
        shared.users--;
        if (shared.users == 0) {
            clients.remove(config);
            LOGGER.info("p0f client closed: {}", config);
            shared.client.close();
        }
    }

    /** One user's hold on a shared client; closing it twice releases once. */
    public final class Lease implements AutoCloseable {
        private final P0fClientConfig config;
        private final P0fClient client;
        private boolean released;

        private Lease(P0fClientConfig config, P0fClient client) {
            this.config = config;
            this.client = client;
        }

        public P0fClient client() {
            return client;
        }

        public P0fClientConfig config() {
            return config;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(config, client);
        }
    }

    private static final class Shared {
        private final P0fClient client;
        private int users;

        private Shared(P0fClient client) {
            this.client = client;
        }
    }

    /** Counts lookups through the metrics and logs each change of the client's state once. */
    private static final class LoggingListener implements P0fClientListener {
        private final P0fClientConfig config;
        private final P0fClientListener metricsListener;

        private LoggingListener(P0fClientConfig config, P0fClientListener metricsListener) {
            this.config = config;
            this.metricsListener = metricsListener;
        }

        @Override
        public void lookupCompleted(P0fLookup lookup, long elapsedNanos) {
            metricsListener.lookupCompleted(lookup, elapsedNanos);
        }

        @Override
        public void stateChanged(P0fClientStatus.State from, P0fClientStatus.State to, String reason) {
            if (to == P0fClientStatus.State.BACKING_OFF) {
                LOGGER.warn("p0f at {} unavailable ({} -> {}): {}; mail flows without fingerprints until it answers again",
                    config.endpoint(), from, to, reason);
            } else {
                LOGGER.info("p0f at {}: {} -> {} ({})", config.endpoint(), from, to, reason);
            }
            metricsListener.stateChanged(from, to, reason);
        }
    }
}
