package io.github.jamesp0f.smtp;

import java.util.concurrent.CompletableFuture;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Holds back a client's commands, without holding a thread, until the work its hooks will need
 * is done (the p0f lookup; for a client about to be greylisted, its reverse DNS too): James reads
 * nothing more from the connection (Netty's autoRead off) and resumes reading when all of that
 * work has completed. Hooks then find their answers ready and never wait on James's I/O thread,
 * which serves many connections at once.
 *
 * <p>A real client hardly notices: p0f answers in about a millisecond, while an Internet client
 * takes a round trip to read the banner and send EHLO. Each pause is bounded by its work's own
 * deadline (the p0f client completes every lookup within timeout plus NOMATCH retry, the reverse
 * DNS within its timeout), and so needs no timer here.
 */
public final class InputPause {

    private static final AttachmentKey<Gate> GATE = AttachmentKey.of("io.github.jamesp0f.inputpause", Gate.class);

    private InputPause() {
    }

    /**
     * Stops reading {@code session}'s input until {@code work}, and every other work paused for
     * with this method on the session, has completed. Does nothing when {@code work} is already
     * complete (cache hit, client backing off), or when the session is not one of James's network
     * sessions.
     */
    public static void until(SMTPSession session, CompletableFuture<?> work) {
        if (work.isDone() || !(session instanceof ProtocolSessionImpl)) {
            return;
        }
        Gate gate = session.getAttachment(GATE, State.Connection).orElse(null);
        if (gate == null) {
            gate = new Gate(((ProtocolSessionImpl) session).getProtocolTransport());
            session.setAttachment(GATE, gate, State.Connection);
        }
        gate.hold();
        Gate held = gate;
        work.whenComplete((result, error) -> held.release());
    }

    /**
     * Counts the works still pending: the handlers pause independently (P0fConnectHandler for p0f,
     * P0fGreylistHandler for DNS) and the first to finish must not resume the input. Synchronized
     * so that the transport sees the calls in the order the count changed, whatever the threads.
     */
    private static final class Gate {
        private final ProtocolTransport transport;
        private int pending;

        private Gate(ProtocolTransport transport) {
            this.transport = transport;
        }

        synchronized void hold() {
            if (pending++ == 0) {
                // Safe from any thread: Netty schedules the read on the channel's own event loop.
                transport.setReadable(false);
            }
        }

        synchronized void release() {
            if (--pending == 0) {
                transport.setReadable(true);
            }
        }
    }
}
