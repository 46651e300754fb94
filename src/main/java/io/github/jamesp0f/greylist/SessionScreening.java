package io.github.jamesp0f.greylist;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The client's {@link Screening}, started when it connected and kept for the whole connection.
 * Read at RCPT without waiting: the client's commands are held until it completes
 * ({@link io.github.jamesp0f.smtp.CommandHold}).
 */
final class SessionScreening {

    private static final AttachmentKey<Started> KEY = AttachmentKey.of("io.github.jamesp0f.greylist.screening", Started.class);

    private SessionScreening() {
    }

    static void attach(SMTPSession session, CompletableFuture<Screening> screening) {
        session.setAttachment(KEY, new Started(screening), State.Connection);
    }

    static boolean started(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).isPresent();
    }

    /** Empty when none was started, when it is still pending (a client that talked early) or when it failed. */
    static Optional<Screening> read(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).flatMap(Started::outcome);
    }

    /** AttachmentKey takes a class, not a generic type. */
    private static final class Started {
        private final CompletableFuture<Screening> screening;

        private Started(CompletableFuture<Screening> screening) {
            this.screening = screening;
        }

        private Optional<Screening> outcome() {
            if (!screening.isDone() || screening.isCompletedExceptionally()) {
                return Optional.empty();
            }
            return Optional.of(screening.join());
        }
    }
}
