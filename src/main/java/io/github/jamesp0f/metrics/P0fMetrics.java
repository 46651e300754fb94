package io.github.jamesp0f.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;

import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/**
 * james-p0f's numbers, published through James's own MetricFactory so that they sit beside
 * James's metrics (webadmin /metrics, JMX, whatever reporter James is configured with).
 * One instance for the whole extension.
 */
@Singleton
public class P0fMetrics {

    public static final String PREFIX = "p0f_";
    public static final String LOOKUP_LATENCY = PREFIX + "lookup_latency";

    private final MetricFactory metricFactory;
    private final Metric lookups;
    private final Metric matches;
    private final Metric noMatches;
    private final Metric cacheHits;
    private final Map<P0fFailure.Kind, Metric> failures = new EnumMap<>(P0fFailure.Kind.class);
    private final Metric blocked;
    private final Metric greylistDeferred;
    private final Metric greylistPassed;
    private final Metric greylistExemptedHostname;
    private final Metric greylistExemptedClient;
    private final Metric greylistDnsFailures;
    private final Metric unavailable;
    private final Metric proxyUnlisted;
    private final Metric daemonLookups;
    private final Metric kernelLookups;
    private final Metric kernelNoSyn;

    @Inject
    public P0fMetrics(MetricFactory metricFactory) {
        this.metricFactory = metricFactory;
        this.lookups = metricFactory.generate(PREFIX + "lookups");
        this.matches = metricFactory.generate(PREFIX + "matches");
        this.noMatches = metricFactory.generate(PREFIX + "no_matches");
        this.cacheHits = metricFactory.generate(PREFIX + "cache_hits");
        for (P0fFailure.Kind kind : P0fFailure.Kind.values()) {
            failures.put(kind, metricFactory.generate(failureMetricName(kind)));
        }
        this.blocked = metricFactory.generate(PREFIX + "blocked");
        this.greylistDeferred = metricFactory.generate(PREFIX + "greylist_deferred");
        this.greylistPassed = metricFactory.generate(PREFIX + "greylist_passed");
        this.greylistExemptedHostname = metricFactory.generate(PREFIX + "greylist_exempted_hostname");
        this.greylistExemptedClient = metricFactory.generate(PREFIX + "greylist_exempted_auto_whitelist");
        this.greylistDnsFailures = metricFactory.generate(PREFIX + "greylist_dns_failures");
        this.unavailable = metricFactory.generate(PREFIX + "unavailable");
        this.proxyUnlisted = metricFactory.generate(PREFIX + "proxy_unlisted");
        this.daemonLookups = metricFactory.generate(PREFIX + "daemon_lookups");
        this.kernelLookups = metricFactory.generate(PREFIX + "kernel_lookups");
        this.kernelNoSyn = metricFactory.generate(PREFIX + "kernel_no_syn");
    }

    /** For example {@code p0f_failures_timeout}. */
    public static String failureMetricName(P0fFailure.Kind kind) {
        return PREFIX + "failures_" + kind.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Counts every completed lookup by outcome, and each time a client loses p0f (enters
     * BACKING_OFF: an alert can fire on the first one); give it to the client's configuration.
     */
    public P0fClientListener clientListener() {
        return new P0fClientListener() {
            @Override
            public void lookupCompleted(P0fLookup lookup, long elapsedNanos) {
                daemonLookups.increment();
                record(lookup);
            }

            @Override
            public void stateChanged(P0fClientStatus.State from, P0fClientStatus.State to, String reason) {
                if (to == P0fClientStatus.State.BACKING_OFF) {
                    unavailable.increment();
                }
            }
        };
    }

    /** Times {@code lookup} from now until it completes, under {@link #LOOKUP_LATENCY}. */
    public CompletableFuture<P0fLookup> timed(CompletableFuture<P0fLookup> lookup) {
        TimeMetric timer = metricFactory.timer(LOOKUP_LATENCY);
        lookup.whenComplete((result, error) -> timer.stopAndPublish());
        return lookup;
    }

    private void record(P0fLookup lookup) {
        lookups.increment();
        if (lookup.fromCache()) {
            cacheHits.increment();
        }
        switch (lookup.status()) {
            case MATCH:
                matches.increment();
                break;
            case NO_MATCH:
                noMatches.increment();
                break;
            default:
                lookup.failure().ifPresent(failure -> failures.get(failure.kind()).increment());
        }
    }

    /** A client refused because its operating system is blocked. */
    public void blocked() {
        blocked.increment();
    }

    /** A recipient deferred (451) by greylisting. */
    public void greylistDeferred() {
        greylistDeferred.increment();
    }

    /** A greylisted client let through (retried after the block time, or already whitelisted). */
    public void greylistPassed() {
        greylistPassed.increment();
    }

    /** A recipient let through at once because its client's confirmed host name is exempt. */
    public void greylistExemptedByHostname() {
        greylistExemptedHostname.increment();
    }

    /** A recipient let through at once because its client (key) is auto-whitelisted. */
    public void greylistExemptedByAutoWhitelist() {
        greylistExemptedClient.increment();
    }

    /** A reverse DNS lookup for greylisting that failed or timed out (the client was not exempted). */
    public void greylistDnsFailure() {
        greylistDnsFailures.increment();
    }

    /** A client fingerprinted from the SYN the kernel saved for its connection (counted as a lookup too). */
    public void kernelLookup(P0fLookup lookup) {
        kernelLookups.increment();
        record(lookup);
    }

    /** A connection the kernel source found no saved SYN for (accepted before the kernel was asked to keep SYNs). */
    public void kernelNoSyn() {
        kernelNoSyn.increment();
    }

    /** How many clients each source answered for, and how often the kernel had no SYN: for the status route. */
    public SourceCounts sourceCounts() {
        return new SourceCounts(daemonLookups.getCount(), kernelLookups.getCount(), kernelNoSyn.getCount());
    }

    /** A connection through a proxy that no edge lists: not looked up. */
    public void proxyUnlisted() {
        proxyUnlisted.increment();
    }

    /** The counts behind {@code p0f_daemon_lookups}, {@code p0f_kernel_lookups} and {@code p0f_kernel_no_syn}. */
    public static final class SourceCounts {
        private final long daemon;
        private final long kernel;
        private final long kernelNoSyn;

        public SourceCounts(long daemon, long kernel, long kernelNoSyn) {
            this.daemon = daemon;
            this.kernel = kernel;
            this.kernelNoSyn = kernelNoSyn;
        }

        public long daemon() {
            return daemon;
        }

        public long kernel() {
            return kernel;
        }

        public long kernelNoSyn() {
            return kernelNoSyn;
        }
    }
}
