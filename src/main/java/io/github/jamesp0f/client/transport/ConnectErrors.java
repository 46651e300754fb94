package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.github.jamesp0f.client.P0fFailure;

/**
 * Turns what connect() threw into a failure an administrator can act on. junixsocket reports
 * errno as a plain SocketException carrying strerror's text, so the text is what we match.
 */
final class ConnectErrors {

    private ConnectErrors() {
    }

    static P0fFailure classify(Path socket, IOException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("no such file")) {
            return new P0fFailure(P0fFailure.Kind.SOCKET_MISSING, "p0f socket " + socket
                + " does not exist (is p0f running with -s " + socket + "?)");
        }
        if (text.contains("connection refused")) {
            if (Files.isRegularFile(socket)) {
                return new P0fFailure(P0fFailure.Kind.CONNECTION_REFUSED, socket
                    + " exists but is a plain file, not p0f's socket");
            }
            return new P0fFailure(P0fFailure.Kind.CONNECTION_REFUSED, "connection refused at " + socket
                + ": the socket file exists but no p0f listens (p0f exited and left it behind?)");
        }
        if (text.contains("permission denied") || text.contains("operation not permitted")) {
            return new P0fFailure(P0fFailure.Kind.PERMISSION_DENIED, "permission denied on " + socket
                + ": this process may not open the socket or its directory (check their owner, group and mode)");
        }
        return new P0fFailure(P0fFailure.Kind.IO_ERROR, "cannot connect to p0f at " + socket + ": " + describe(e));
    }

    /** What went wrong in plain words: the message, without the exception's class name. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }
}
