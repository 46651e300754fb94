package io.github.jamesp0f.webadmin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.smtp.KernelSources;
import io.github.jamesp0f.client.P0fClientConfig;

/**
 * The JSON body of {@code GET /p0f/status}: the overall health, one entry per p0f client, how
 * many clients each source answered for, and each handler's kernel source. Plain getters, rendered
 * by James's own webadmin JSON mapper.
 */
public final class P0fStatusView {

    private final P0fHealth health;
    private final List<Client> clients;
    private final Lookups lookups;
    private final List<Kernel> kernelSources;

    private P0fStatusView(P0fHealth health, List<Client> clients, Lookups lookups, List<Kernel> kernelSources) {
        this.health = health;
        this.clients = clients;
        this.lookups = lookups;
        this.kernelSources = kernelSources;
    }

    public static P0fStatusView of(Map<P0fClientConfig, P0fClientStatus> statuses, List<KernelSources.View> kernels,
                                   P0fMetrics.SourceCounts counts) {
        return new P0fStatusView(P0fHealth.of(statuses.values()),
            statuses.entrySet().stream()
                .map(entry -> new Client(entry.getKey(), entry.getValue()))
                .collect(Collectors.toList()),
            new Lookups(counts),
            kernels.stream().map(Kernel::new).collect(Collectors.toList()));
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

    public Lookups getLookups() {
        return lookups;
    }

    public List<Kernel> getKernelSources() {
        return kernelSources;
    }

    /** How many clients each source answered for since James started, and how often the kernel had no SYN. */
    public static final class Lookups {
        private final P0fMetrics.SourceCounts counts;

        private Lookups(P0fMetrics.SourceCounts counts) {
            this.counts = counts;
        }

        public long getDaemon() {
            return counts.daemon();
        }

        public long getKernel() {
            return counts.kernel();
        }

        public long getKernelNoSyn() {
            return counts.kernelNoSyn();
        }
    }

    /** One handler's kernel source: its database, what clients get without a saved SYN, its listening sockets. */
    public static final class Kernel {
        private final KernelSources.View source;

        private Kernel(KernelSources.View source) {
            this.source = source;
        }

        public String getDatabase() {
            return source.database();
        }

        /** What clients get on a socket that keeps no SYNs: NIO transport, or the PROXY protocol. */
        public String getInsteadOnSocket() {
            return source.insteadOnSocket();
        }

        /** What a client gets when the kernel kept no SYN for its connection. */
        public String getInsteadOfSyn() {
            return source.insteadOfSyn();
        }

        /** Each listening socket seen so far, e.g. "0.0.0.0:25", and "keeps SYNs" or why not. */
        public Map<String, String> getSockets() {
            return source.sockets();
        }
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
