package io.github.jamesp0f.smtp;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.fingerprint.Fingerprint;

/**
 * The p0f lookup of a session's client, kept on its SMTP session for the whole connection. Hooks
 * that need the answer (blocklist, greylisting, the message hook) ask here, and never wait: the
 * session's commands reach them only once the lookup is done ({@link CommandHold}).
 *
 * <p>Behind the PROXY protocol the lookup starts only when James has read the header: until then
 * the session's lookup is pending, and it may end not looked up at all (the client is in
 * neverLookUp, or the header named no TCP source).
 */
public final class SessionFingerprint {

    private static final AttachmentKey<SessionLookup> KEY =
        AttachmentKey.of("io.github.jamesp0f.lookup", SessionLookup.class);

    private SessionFingerprint() {
    }

    /**
     * Keeps {@code lookup} on the session, for the whole connection. Returns what completes once
     * {@link #lookup} reads the answer: hold the session's commands on that, not on {@code lookup}
     * (whose other dependents may run first).
     */
    public static CompletableFuture<?> attach(SMTPSession session, CompletableFuture<P0fLookup> lookup) {
        SessionLookup attached = new SessionLookup(lookup.thenApply(Optional::of));
        session.setAttachment(KEY, attached, State.Connection);
        return attached.lookup;
    }

    /** Keeps a lookup yet to start on the session; the handle says later which lookup, or that there is none. */
    static SessionLookup pending(SMTPSession session) {
        SessionLookup pending = new SessionLookup(new CompletableFuture<>());
        session.setAttachment(KEY, pending, State.Connection);
        return pending;
    }

    /**
     * The session's lookup outcome, at once. Empty when the session is not looked up (the handler
     * is not installed, the client is in a network never looked up, a proxy named no source); a
     * lookup still pending reads as a TIMEOUT failure.
     */
    public static Optional<P0fLookup> lookup(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).flatMap(SessionLookup::outcome);
    }

    /**
     * Completes once {@link #lookup} has its final answer, for a handler that has more to do then
     * (the greylisting's reverse DNS). Empty when no lookup was ever meant for the session.
     */
    public static Optional<CompletableFuture<?>> settled(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).map(started -> started.lookup);
    }

    /** The client's fingerprint, when p0f matched it. */
    public static Optional<Fingerprint> fingerprint(SMTPSession session) {
        return lookup(session).flatMap(P0fLookup::fingerprint);
    }

    /** The session's lookup, typed: AttachmentKey takes a class, not a generic type. */
    static final class SessionLookup {
        private final CompletableFuture<Optional<P0fLookup>> lookup;

        private SessionLookup(CompletableFuture<Optional<P0fLookup>> lookup) {
            this.lookup = lookup;
        }

        /** The lookup was started now (a pending session lookup only). */
        void lookedUp(CompletableFuture<P0fLookup> started) {
            started.whenComplete((done, error) -> lookup.complete(Optional.of(done != null ? done
                : P0fLookup.failed(P0fFailure.Kind.IO_ERROR, "p0f lookup failed: " + error))));
        }

        /** Completes once {@link SessionFingerprint#lookup} reads the final answer. */
        CompletableFuture<?> settled() {
            return lookup;
        }

        /** No lookup for this session after all (a pending session lookup only). */
        void notLookedUp() {
            lookup.complete(Optional.empty());
        }

        private Optional<P0fLookup> outcome() {
            try {
                Optional<P0fLookup> done = lookup.getNow(null);
                return done != null ? done : Optional.of(
                    P0fLookup.failed(P0fFailure.Kind.TIMEOUT, "p0f had not answered yet when the session needed it"));
            } catch (CompletionException | CancellationException e) {
                // The client completes normally by contract; this guards the mail path regardless.
                return Optional.of(P0fLookup.failed(P0fFailure.Kind.IO_ERROR, "p0f lookup failed: " + e));
            }
        }
    }
}
