package io.github.jamesp0f.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.ResultStatus;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import reactor.core.publisher.Mono;

/** For a James assembled in code: the module adds the p0f check to James's set of health checks. */
class P0fHealthCheckModuleTest {

    @Test
    void addsTheP0fCheckToJamesHealthChecks() {
        Injector injector = Guice.createInjector(new P0fHealthCheckModule(),
            binder -> binder.bind(MetricFactory.class).toInstance(new RecordingMetricFactory()));

        Set<HealthCheck> checks = injector.getInstance(Key.get(new TypeLiteral<Set<HealthCheck>>() { }));

        assertThat(checks).hasSize(1);
        HealthCheck check = checks.iterator().next();
        assertThat(check.componentName()).isEqualTo(P0fHealthCheck.COMPONENT);
        // No handler has created a client yet: nothing is wrong.
        assertThat(Mono.from(check.check()).block().getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }
}
