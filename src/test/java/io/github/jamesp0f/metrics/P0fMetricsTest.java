package io.github.jamesp0f.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.codahale.metrics.MetricRegistry;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

class P0fMetricsTest {

    private static final P0fLookup MATCH =
        P0fLookup.match(Fingerprint.builder(3).osName("Linux").osFlavor("2.2.x-3.x").build());

    private RecordingMetricFactory metricFactory;
    private P0fMetrics metrics;
    private P0fClientListener listener;

    @BeforeEach
    void setUp() {
        metricFactory = new RecordingMetricFactory();
        metrics = new P0fMetrics(metricFactory);
        listener = metrics.clientListener();
    }

    @Test
    void aMatchCountsOneLookupAndOneMatch() {
        listener.lookupCompleted(MATCH, 1_000);

        assertThat(metricFactory.countForPrefixName(P0fMetrics.PREFIX))
            .containsEntry("p0f_lookups", 1).containsEntry("p0f_matches", 1)
            .containsEntry("p0f_no_matches", 0).containsEntry("p0f_cache_hits", 0);
    }

    @Test
    void eachSourceCountsItsLookupsAndBothCountAsLookups() {
        listener.lookupCompleted(MATCH, 1_000);
        metrics.kernelLookup(MATCH);
        metrics.kernelLookup(P0fLookup.noMatch());
        metrics.kernelNoSyn();

        assertThat(metricFactory.countForPrefixName(P0fMetrics.PREFIX))
            .containsEntry("p0f_lookups", 3).containsEntry("p0f_matches", 2).containsEntry("p0f_no_matches", 1)
            .containsEntry("p0f_daemon_lookups", 1).containsEntry("p0f_kernel_lookups", 2)
            .containsEntry("p0f_kernel_no_syn", 1);
        P0fMetrics.SourceCounts counts = metrics.sourceCounts();
        assertThat(List.of(counts.daemon(), counts.kernel(), counts.kernelNoSyn())).containsExactly(1L, 2L, 1L);
    }

    @Test
    void aCachedMatchCountsAsACacheHitAndAMatch() {
        listener.lookupCompleted(MATCH.fromCacheCopy(), 1_000);

        assertThat(metricFactory.countFor("p0f_cache_hits")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_matches")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_lookups")).isEqualTo(1);
    }

    @Test
    void aNoMatchIsCountedApart() {
        listener.lookupCompleted(P0fLookup.noMatch(), 1_000);

        assertThat(metricFactory.countFor("p0f_no_matches")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_matches")).isZero();
    }

    @ParameterizedTest
    @EnumSource(P0fFailure.Kind.class)
    void eachFailureKindHasItsOwnCounter(P0fFailure.Kind kind) {
        listener.lookupCompleted(P0fLookup.failed(kind, "test"), 1_000);

        String name = P0fMetrics.failureMetricName(kind);
        assertThat(metricFactory.countFor(name)).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_lookups")).isEqualTo(1);
        assertThat(metricFactory.countForPrefixName("p0f_failures_").values().stream().mapToInt(Integer::intValue).sum())
            .as("only %s moved", name).isEqualTo(1);
    }

    @Test
    void timeoutsAreCountedUnderAPlainName() {
        assertThat(P0fMetrics.failureMetricName(P0fFailure.Kind.TIMEOUT)).isEqualTo("p0f_failures_timeout");
        assertThat(P0fMetrics.failureMetricName(P0fFailure.Kind.SOCKET_MISSING)).isEqualTo("p0f_failures_socket_missing");
    }

    @Test
    void decisionsAreCounted() {
        metrics.blocked();
        metrics.greylistDeferred();
        metrics.greylistDeferred();
        metrics.greylistPassed();

        assertThat(metricFactory.countFor("p0f_blocked")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_greylist_deferred")).isEqualTo(2);
        assertThat(metricFactory.countFor("p0f_greylist_passed")).isEqualTo(1);
    }

    @Test
    void losingP0fIsCountedOncePerOutageNotPerLookup() {
        listener.stateChanged(P0fClientStatus.State.IDLE, P0fClientStatus.State.CONNECTED, "p0f answers");
        listener.stateChanged(P0fClientStatus.State.CONNECTED, P0fClientStatus.State.BACKING_OFF, "SOCKET_MISSING");
        listener.lookupCompleted(P0fLookup.failed(P0fFailure.Kind.BACKING_OFF, "not asking"), 1_000);
        listener.stateChanged(P0fClientStatus.State.BACKING_OFF, P0fClientStatus.State.CONNECTED, "p0f answers again");

        assertThat(metricFactory.countFor("p0f_unavailable")).isEqualTo(1);
    }

    @Test
    void latencyIsPublishedWhenTheLookupCompletesNotBefore() {
        CompletableFuture<P0fLookup> lookup = new CompletableFuture<>();

        CompletableFuture<P0fLookup> timed = metrics.timed(lookup);

        assertThat(timed).isSameAs(lookup);
        assertThat(metricFactory.executionTimesFor(P0fMetrics.LOOKUP_LATENCY)).isEmpty();
        lookup.complete(MATCH);
        assertThat(metricFactory.executionTimesFor(P0fMetrics.LOOKUP_LATENCY)).hasSize(1);
    }

    @Test
    void latencyIsPublishedEvenForALookupThatCompletesExceptionally() {
        CompletableFuture<P0fLookup> lookup = new CompletableFuture<>();
        metrics.timed(lookup);

        lookup.completeExceptionally(new IllegalStateException("never by contract, counted all the same"));

        assertThat(metricFactory.executionTimesFor(P0fMetrics.LOOKUP_LATENCY)).hasSize(1);
    }

    @Test
    void everyCounterExistsInJamesDropwizardRegistryFromTheStart() {
        MetricRegistry registry = new MetricRegistry();
        P0fMetrics withDropwizard = new P0fMetrics(new DropWizardMetricFactory(registry));

        withDropwizard.clientListener().lookupCompleted(MATCH, 1_000);
        withDropwizard.timed(CompletableFuture.completedFuture(MATCH));

        // Present at zero before anything happens, so dashboards and alerts see them at once.
        assertThat(registry.getMeters()).containsKeys("p0f_lookups", "p0f_matches", "p0f_no_matches",
            "p0f_cache_hits", "p0f_blocked", "p0f_unavailable", "p0f_greylist_deferred", "p0f_greylist_passed");
        assertThat(registry.getMeters()).containsKeys(Arrays.stream(P0fFailure.Kind.values())
            .map(P0fMetrics::failureMetricName).toArray(String[]::new));
        assertThat(registry.getMeters().get("p0f_lookups").getCount()).isEqualTo(1);
        assertThat(registry.getTimers().get(P0fMetrics.LOOKUP_LATENCY).getCount()).isEqualTo(1);
    }
}
