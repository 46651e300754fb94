package io.github.jamesp0f.webadmin;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import io.github.jamesp0f.smtp.P0fClients;
import reactor.core.publisher.Mono;

/**
 * p0f in James's {@code /healthcheck}: healthy while every p0f client answers (or has not been
 * asked yet), degraded while one cannot reach p0f. Never unhealthy: mail flows without p0f.
 *
 * <p>James (3.8.x, 3.9.0) collects health checks only from its main Guice injector, which an extension
 * jar cannot reach (see {@link P0fHealthCheckModule} and the README): this check is registered
 * by a James assembled in code, e.g. {@code GuiceJamesServer...combineWith(new P0fHealthCheckModule())}.
 */
public class P0fHealthCheck implements HealthCheck {

    public static final ComponentName COMPONENT = new ComponentName("p0f");

    private final P0fClients clients;

    @Inject
    public P0fHealthCheck(P0fClients clients) {
        this.clients = clients;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(() -> {
            P0fHealth health = P0fHealth.of(clients.statuses().values());
            return health.cause()
                .map(cause -> Result.degraded(COMPONENT, cause))
                .orElseGet(() -> Result.healthy(COMPONENT));
        });
    }
}
