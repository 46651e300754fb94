package io.github.jamesp0f.client;

/**
 * Hears what the client does, so that the host application can count and log it in its own
 * idiom (James's MetricFactory and slf4j, the command-line tool's stderr). Called on the client's
 * own threads, or on the caller's for outcomes known at once (cache hits, lookups failed fast):
 * implementations must be quick and must not throw.
 */
public interface P0fClientListener {

    P0fClientListener NONE = new P0fClientListener() { };

    /** Every lookup, once, when its future completes (cache hits included). */
    default void lookupCompleted(P0fLookup lookup, long elapsedNanos) {
    }

    /** Once per change of state, never once per lookup. {@code reason} is one plain line. */
    default void stateChanged(P0fClientStatus.State from, P0fClientStatus.State to, String reason) {
    }
}
