package io.github.jamesp0f.greylist;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import io.github.jamesp0f.dns.ReverseName;

/**
 * The FCrDNS lookup started for a session (at HELO/EHLO, or at MAIL when a client skipped it),
 * kept for the whole connection. Read at RCPT without waiting: the session's input was paused
 * until it completed ({@link io.github.jamesp0f.smtp.InputPause}).
 */
final class SessionReverseName {

    private static final AttachmentKey<Started> KEY = AttachmentKey.of("io.github.jamesp0f.greylist.fcrdns", Started.class);

    private SessionReverseName() {
    }

    static boolean started(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection).isPresent();
    }

    static void attach(SMTPSession session, CompletableFuture<ReverseName> lookup) {
        session.setAttachment(KEY, new Started(lookup), State.Connection);
    }

    /** Empty when no lookup was started; a lookup still pending reads as FAILED. */
    static Optional<ReverseName> read(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection)
            .map(started -> started.lookup.getNow(ReverseName.failed("not answered yet when the RCPT came")));
    }

    /** AttachmentKey takes a class, not a generic type. */
    private static final class Started {
        private final CompletableFuture<ReverseName> lookup;

        private Started(CompletableFuture<ReverseName> lookup) {
            this.lookup = lookup;
        }
    }
}
