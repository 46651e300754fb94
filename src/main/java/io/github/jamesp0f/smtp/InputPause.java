package io.github.jamesp0f.smtp;

import java.util.concurrent.CompletableFuture;

import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Holds back a client's commands, without holding a thread, until its p0f lookup is done: James
 * reads nothing more from the connection (Netty's autoRead off) and resumes reading when the
 * lookup completes. Hooks that need the answer (blocklist, greylisting, the message hook) then
 * find it ready and never wait on James's I/O thread, which serves many connections at once.
 *
 * <p>A real client hardly notices: p0f answers in about a millisecond, while an Internet client
 * takes a round trip to read the banner and send EHLO. The pause is bounded by the lookup's
 * deadline: the p0f client completes every lookup by then (timeout plus NOMATCH retry), with a
 * TIMEOUT failure if p0f has not answered, and so needs no timer of its own here.
 */
public final class InputPause {

    private InputPause() {
    }

    /**
     * Stops reading {@code session}'s input until {@code lookup} completes. Does nothing when it is
     * already complete (cache hit, client backing off), or when the session is not one of James's
     * network sessions.
     */
    public static void until(SMTPSession session, CompletableFuture<?> lookup) {
        if (lookup.isDone() || !(session instanceof ProtocolSessionImpl)) {
            return;
        }
        ProtocolTransport transport = ((ProtocolSessionImpl) session).getProtocolTransport();
        // Safe from any thread: Netty schedules the read on the channel's own event loop.
        transport.setReadable(false);
        lookup.whenComplete((result, error) -> transport.setReadable(true));
    }
}
