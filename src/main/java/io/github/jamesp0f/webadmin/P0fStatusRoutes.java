package io.github.jamesp0f.webadmin;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.smtp.KernelSources;
import io.github.jamesp0f.smtp.P0fClients;
import spark.Service;

/**
 * {@code GET /p0f/status}: every p0f client of this James with its state, how many clients each
 * source answered for, and the handlers' kernel sources, for administrators.
 * Loaded from extensions-jars by naming it in webadmin.properties:
 * {@code extensions.routes=io.github.jamesp0f.webadmin.P0fStatusRoutes}. Always answers 200: a
 * p0f that is down is reported in the body ("status": "degraded"), since mail still flows.
 */
public class P0fStatusRoutes implements Routes {

    public static final String BASE_PATH = "/p0f";
    public static final String STATUS_PATH = BASE_PATH + "/status";

    private final P0fClients clients;
    private final KernelSources kernelSources;
    private final P0fMetrics metrics;
    private final JsonTransformer jsonTransformer;

    @Inject
    public P0fStatusRoutes(P0fClients clients, KernelSources kernelSources, P0fMetrics metrics,
                           JsonTransformer jsonTransformer) {
        this.clients = clients;
        this.kernelSources = kernelSources;
        this.metrics = metrics;
        this.jsonTransformer = jsonTransformer;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(STATUS_PATH, (request, response) -> {
            response.type("application/json");
            return P0fStatusView.of(clients.statuses(), kernelSources.views(), metrics.sourceCounts());
        }, jsonTransformer);
    }
}
