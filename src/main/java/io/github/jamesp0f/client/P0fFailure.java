package io.github.jamesp0f.client;

import java.util.Objects;

/**
 * Why a lookup gave no answer. Failures are values, never exceptions: a caller on a mail server's
 * network thread gets one of these and carries on as if p0f were not installed.
 */
public final class P0fFailure {

    /** What went wrong, coarse enough to count and to act on. */
    public enum Kind {
        /** p0f did not answer within the configured timeout (stalled, or all its API slots taken). */
        TIMEOUT,
        /** Nothing exists at the socket path. */
        SOCKET_MISSING,
        /**
         * connect() was refused: the socket file exists but nobody listens (p0f exited and left it
         * behind), or the path is not a socket at all (the message says which).
         */
        CONNECTION_REFUSED,
        /** The socket or its directory is not accessible to this process. */
        PERMISSION_DENIED,
        /** Something answered that is not p0f: wrong magic, wrong length, unknown status. */
        PROTOCOL_ERROR,
        /** p0f answered BADQUERY. */
        BAD_QUERY,
        /** The query cannot be asked with this protocol version (IPv6 over v2, v2 without ports). */
        UNSUPPORTED_QUERY,
        /** Failed fast without touching the socket: p0f failed recently and the retry window is open. */
        BACKING_OFF,
        /** Too many lookups already waiting on p0f; refused rather than queued without bound. */
        OVERLOADED,
        /** Any other I/O error on the socket. */
        IO_ERROR,
        /** The client was closed. */
        CLOSED
    }

    private final Kind kind;
    private final String message;

    public P0fFailure(Kind kind, String message) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.message = Objects.requireNonNull(message, "message");
    }

    public Kind kind() {
        return kind;
    }

    /** One plain line saying what happened, naming the socket or value concerned. */
    public String message() {
        return message;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof P0fFailure)) {
            return false;
        }
        P0fFailure other = (P0fFailure) o;
        return kind == other.kind && message.equals(other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, message);
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
