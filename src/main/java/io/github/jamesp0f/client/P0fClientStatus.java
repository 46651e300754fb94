package io.github.jamesp0f.client;

import io.github.jamesp0f.fingerprint.P0fVersion;

import java.time.Instant;
import java.util.Optional;

/** A snapshot of the client's health, for status pages and health checks. */
public final class P0fClientStatus {

    public enum State {
        /** No lookup attempted yet. */
        IDLE,
        /** The last contact with p0f worked. */
        CONNECTED,
        /** p0f failed; lookups fail fast until the retry window passes. */
        BACKING_OFF,
        /** The client was closed. */
        CLOSED
    }

    private final P0fEndpoint endpoint;
    private final P0fVersion version;
    private final State state;
    private final Instant since;
    private final String lastError;
    private final int openConnections;
    private final int lookupsInFlight;
    private final int cacheSize;

    public P0fClientStatus(P0fEndpoint endpoint, P0fVersion version, State state, Instant since, String lastError,
                           int openConnections, int lookupsInFlight, int cacheSize) {
        this.endpoint = endpoint;
        this.version = version;
        this.state = state;
        this.since = since;
        this.lastError = lastError;
        this.openConnections = openConnections;
        this.lookupsInFlight = lookupsInFlight;
        this.cacheSize = cacheSize;
    }

    public P0fEndpoint endpoint() {
        return endpoint;
    }

    public P0fVersion version() {
        return version;
    }

    public State state() {
        return state;
    }

    /** When the client entered its current state. */
    public Instant since() {
        return since;
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    public int openConnections() {
        return openConnections;
    }

    public int lookupsInFlight() {
        return lookupsInFlight;
    }

    public int cacheSize() {
        return cacheSize;
    }

    @Override
    public String toString() {
        return "p0f " + version + " at " + endpoint + ": " + state + " since " + since
            + (lastError == null ? "" : " (last error: " + lastError + ")")
            + ", connections " + openConnections + ", in flight " + lookupsInFlight + ", cached " + cacheSize;
    }
}
