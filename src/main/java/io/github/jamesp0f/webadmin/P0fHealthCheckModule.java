package io.github.jamesp0f.webadmin;

import org.apache.james.core.healthcheck.HealthCheck;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Adds {@link P0fHealthCheck} to James's health checks. Only for a James assembled in code
 * ({@code GuiceJamesServer.combineWith(new P0fHealthCheckModule())}, with this jar on James's
 * classpath): modules named in extensions.properties ({@code guice.extension.module}) run in a
 * child injector whose bindings James's {@code /healthcheck} never sees.
 */
public class P0fHealthCheckModule extends AbstractModule {

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(P0fHealthCheck.class);
    }
}
