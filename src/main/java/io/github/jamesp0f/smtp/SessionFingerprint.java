package io.github.jamesp0f.smtp;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/**
 * The p0f lookup started when a client connected, kept on its SMTP session for the whole
 * connection. Hooks that need the answer (blocklist, greylisting, the message hook) ask here,
 * and never wait: in James the answer is ready by then, because the session's commands are not
 * read before the lookup is done ({@link InputPause}). Commands James read before the pause took
 * hold (a client talking before the banner) find the lookup pending, and get no fingerprint.
 */
public final class SessionFingerprint {

    private static final AttachmentKey<StartedLookup> KEY =
        AttachmentKey.of("io.github.jamesp0f.lookup", StartedLookup.class);

    private SessionFingerprint() {
    }

    /** Keeps {@code lookup} on the session, for the whole connection. */
    public static void attach(SMTPSession session, CompletableFuture<P0fLookup> lookup) {
        session.setAttachment(KEY, new StartedLookup(lookup), State.Connection);
    }

    /**
     * The connect-time lookup's outcome, at once. Empty when no lookup was started for this
     * session (the handler is not installed, or the client is in a network never looked up); a
     * lookup still pending reads as a TIMEOUT failure.
     */
    public static Optional<P0fLookup> lookup(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).map(StartedLookup::outcome);
    }

    /**
     * The connect-time lookup itself, for a handler that has more to do once p0f answered (the
     * greylisting's reverse DNS). Empty as for {@link #lookup}.
     */
    public static Optional<CompletableFuture<P0fLookup>> started(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).map(started -> started.lookup);
    }

    /** The client's fingerprint, when p0f matched it. */
    public static Optional<Fingerprint> fingerprint(SMTPSession session) {
        return lookup(session).flatMap(P0fLookup::fingerprint);
    }

    /** The session's lookup, typed: AttachmentKey takes a class, not a generic type. */
    private static final class StartedLookup {
        private final CompletableFuture<P0fLookup> lookup;

        private StartedLookup(CompletableFuture<P0fLookup> lookup) {
            this.lookup = lookup;
        }

        private P0fLookup outcome() {
            try {
                P0fLookup done = lookup.getNow(null);
                return done != null ? done
                    : P0fLookup.failed(P0fFailure.Kind.TIMEOUT, "p0f had not answered yet when the session needed it");
            } catch (CompletionException | CancellationException e) {
                // The client completes normally by contract; this guards the mail path regardless.
                return P0fLookup.failed(P0fFailure.Kind.IO_ERROR, "p0f lookup failed: " + e);
            }
        }
    }
}
