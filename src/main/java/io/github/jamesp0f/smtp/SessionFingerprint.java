package io.github.jamesp0f.smtp;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import io.github.jamesp0f.client.Fingerprint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/**
 * The p0f lookup started when a client connected, kept on its SMTP session for the whole
 * connection. Hooks that need the answer (blocklist, greylisting, the message hook) ask here.
 * In James the answer is always ready by then: the session's commands are not read before the
 * lookup is done ({@link InputPause}). Elsewhere (a session James did not create) the wait is
 * bounded by the lookup's own deadline, counted from connect.
 */
public final class SessionFingerprint {

    private static final AttachmentKey<PendingLookup> KEY =
        AttachmentKey.of("io.github.jamesp0f.lookup", PendingLookup.class);

    private SessionFingerprint() {
    }

    /**
     * Keeps {@code lookup} on the session. {@code deadlineNanos} ({@link System#nanoTime()} base)
     * is the latest instant anyone should wait for it.
     */
    public static void attach(SMTPSession session, CompletableFuture<P0fLookup> lookup, long deadlineNanos) {
        session.setAttachment(KEY, new PendingLookup(lookup, deadlineNanos), State.Connection);
    }

    /**
     * The connect-time lookup's outcome, waiting at most until its deadline. Empty when no lookup
     * was started for this session (the handler is not installed, or the client is in a network
     * that is never looked up); a lookup still unanswered at its deadline reads as TIMEOUT.
     */
    public static Optional<P0fLookup> await(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).map(PendingLookup::await);
    }

    /** The client's fingerprint, when p0f matched it. */
    public static Optional<Fingerprint> fingerprint(SMTPSession session) {
        return await(session).flatMap(P0fLookup::fingerprint);
    }

    /** A lookup and the instant after which nobody waits for it any more. */
    private static final class PendingLookup {
        private final CompletableFuture<P0fLookup> lookup;
        private final long deadlineNanos;

        private PendingLookup(CompletableFuture<P0fLookup> lookup, long deadlineNanos) {
            this.lookup = lookup;
            this.deadlineNanos = deadlineNanos;
        }

        private P0fLookup await() {
            try {
                P0fLookup done = lookup.getNow(null);
                if (done != null) {
                    return done;
                }
                long remaining = deadlineNanos - System.nanoTime();
                return lookup.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return P0fLookup.failed(P0fFailure.Kind.TIMEOUT, "p0f did not answer before the session needed it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return P0fLookup.failed(P0fFailure.Kind.TIMEOUT, "interrupted while waiting for p0f");
            } catch (ExecutionException | RuntimeException e) {
                // The client completes normally by contract; this guards the mail path regardless.
                return P0fLookup.failed(P0fFailure.Kind.IO_ERROR, "p0f lookup failed: " + e);
            }
        }
    }
}
