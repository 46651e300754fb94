package io.github.jamesp0f.client;

import io.github.jamesp0f.fingerprint.Fingerprint;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one lookup: a fingerprint, p0f's "no match", or a failure. Every lookup future
 * completes normally with one of these; none completes exceptionally.
 */
public final class P0fLookup {

    public enum Status { MATCH, NO_MATCH, FAILED }

    private static final P0fLookup NO_MATCH = new P0fLookup(Status.NO_MATCH, null, null, false);

    private final Status status;
    private final Fingerprint fingerprint;
    private final P0fFailure failure;
    private final boolean fromCache;

    private P0fLookup(Status status, Fingerprint fingerprint, P0fFailure failure, boolean fromCache) {
        this.status = status;
        this.fingerprint = fingerprint;
        this.failure = failure;
        this.fromCache = fromCache;
    }

    public static P0fLookup match(Fingerprint fingerprint) {
        return new P0fLookup(Status.MATCH, Objects.requireNonNull(fingerprint, "fingerprint"), null, false);
    }

    public static P0fLookup noMatch() {
        return NO_MATCH;
    }

    public static P0fLookup failed(P0fFailure failure) {
        return new P0fLookup(Status.FAILED, null, Objects.requireNonNull(failure, "failure"), false);
    }

    public static P0fLookup failed(P0fFailure.Kind kind, String message) {
        return failed(new P0fFailure(kind, message));
    }

    /** The same answer, marked as served from the client's cache rather than by p0f. */
    public P0fLookup fromCacheCopy() {
        return new P0fLookup(status, fingerprint, failure, true);
    }

    public Status status() {
        return status;
    }

    public boolean isMatch() {
        return status == Status.MATCH;
    }

    /** Present only when {@link #status()} is MATCH. */
    public Optional<Fingerprint> fingerprint() {
        return Optional.ofNullable(fingerprint);
    }

    /** Present only when {@link #status()} is FAILED. */
    public Optional<P0fFailure> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean fromCache() {
        return fromCache;
    }

    @Override
    public String toString() {
        switch (status) {
            case MATCH:
                return "MATCH " + fingerprint + (fromCache ? " (cached)" : "");
            case NO_MATCH:
                return "NO_MATCH";
            default:
                return "FAILED " + failure;
        }
    }
}
