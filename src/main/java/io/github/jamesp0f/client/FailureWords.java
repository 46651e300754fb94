package io.github.jamesp0f.client;

import java.io.IOException;
import java.net.NoRouteToHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Every {@link P0fFailure} the client gives, worded once, in the plain words an administrator acts
 * on: what is wrong, then what to do. The command-line tool prints these messages as they are and
 * James's log shows them, so both say the same thing about the same endpoint (a unix socket, or a
 * TCP address that relays to one).
 */
public final class FailureWords {

    /** The client was closed; one value, since it names nothing. */
    public static final P0fFailure CLOSED = new P0fFailure(P0fFailure.Kind.CLOSED, "the p0f client is closed");

    /** p0f's own BADQUERY answer. */
    public static final P0fFailure BAD_QUERY = new P0fFailure(P0fFailure.Kind.BAD_QUERY,
        "p0f refused the query as malformed (BADQUERY)");

    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET = 0140000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;

    private FailureWords() {
    }

    /**
     * What connect() threw, in words that match what is really there: for a unix socket, what is
     * at the path; for a TCP address, refused, unreachable or otherwise.
     */
    public static P0fFailure connectFailed(P0fEndpoint endpoint, IOException e) {
        Optional<Path> socket = endpoint.socketPath();
        return socket.isPresent() ? connectFailed(socket.get(), e) : tcpConnectFailed(endpoint, e);
    }

    /**
     * junixsocket reports errno as a plain SocketException carrying strerror's text, so the text is
     * what we match; and since connect() to a regular file or a directory is "refused" too, the
     * path is looked at before anyone is told to remove a stale socket.
     */
    static P0fFailure connectFailed(Path socket, IOException e) {
        String text = lowerCaseMessage(e);
        if (text.contains("no such file")) {
            return missing(socket);
        }
        if (text.contains("permission denied") || text.contains("operation not permitted")) {
            return permissionDenied(socket);
        }
        if (text.contains("connection refused")) {
            return refused(socket);
        }
        return new P0fFailure(P0fFailure.Kind.IO_ERROR, "cannot connect to p0f at " + socket + ": " + describe(e));
    }

    private static P0fFailure tcpConnectFailed(P0fEndpoint endpoint, IOException e) {
        String text = lowerCaseMessage(e);
        if (text.contains("connection refused")) {
            return new P0fFailure(P0fFailure.Kind.CONNECTION_REFUSED, "connection refused at " + endpoint
                + ": nothing listens there (is the relay to p0f's socket, such as systemd-socket-proxyd, running "
                + "on that host and listening on that address?)");
        }
        if (e instanceof NoRouteToHostException || text.contains("unreachable") || text.contains("no route")) {
            return new P0fFailure(P0fFailure.Kind.IO_ERROR, endpoint + " is unreachable from this host ("
                + describe(e) + "): check the address and the route to p0f's host");
        }
        return new P0fFailure(P0fFailure.Kind.IO_ERROR, "cannot connect to p0f at " + endpoint + ": " + describe(e));
    }

    /** connect() did not complete within the timeout. */
    public static P0fFailure connectTimedOut(P0fEndpoint endpoint, Duration timeout) {
        String why = endpoint.tcpAddress().isPresent()
            ? "no reply at all (the host is down, or a firewall drops the packets, such as a relay socket's "
                + "IPAddressAllow= that leaves this host out)"
            : "p0f's queue of connections waiting to be accepted is full (p0f is stalled or all its API slots are "
                + "taken, see p0f -S)";
        return new P0fFailure(P0fFailure.Kind.TIMEOUT, "connect to " + endpoint + " timed out after "
            + timeout.toMillis() + " ms: " + why);
    }

    private static P0fFailure missing(Path socket) {
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            return new P0fFailure(P0fFailure.Kind.SOCKET_MISSING, "no such file: the directory " + parent
                + " does not exist (is p0f running with -s " + socket + "?)");
        }
        return new P0fFailure(P0fFailure.Kind.SOCKET_MISSING, "no such file: nothing at " + socket
            + " (is p0f running with -s " + socket + "?)");
    }

    private static P0fFailure permissionDenied(Path socket) {
        try {
            mode(socket);
        } catch (AccessDeniedException e) {
            return new P0fFailure(P0fFailure.Kind.PERMISSION_DENIED, "permission denied: this user cannot reach "
                + socket + " (add it to the group that owns the socket's directory)");
        } catch (IOException | RuntimeException e) {
            // The socket's own mode is the likelier cause; said below.
        }
        return new P0fFailure(P0fFailure.Kind.PERMISSION_DENIED, "permission denied on " + socket
            + ": this user may not use the socket (add it to the group that owns the socket's directory, "
            + "and check the socket's mode)");
    }

    private static P0fFailure refused(Path socket) {
        int type;
        try {
            type = mode(socket) & FILE_TYPE_MASK;
        } catch (NoSuchFileException e) {
            // Removed between connect() and now: p0f is stopping or starting.
            return missing(socket);
        } catch (IOException | RuntimeException e) {
            type = SOCKET;
        }
        if (type == SOCKET) {
            return new P0fFailure(P0fFailure.Kind.CONNECTION_REFUSED, "connection refused at " + socket
                + ": a stale socket left by a p0f that is no longer running (start p0f, or remove the file)");
        }
        String what = type == DIRECTORY ? "a directory" : type == REGULAR ? "a regular file" : "not a unix socket";
        return new P0fFailure(P0fFailure.Kind.CONNECTION_REFUSED, "not a p0f socket: " + socket + " is " + what
            + ", not a socket; give the path of p0f's API socket (p0f -s PATH)");
    }

    /** p0f did not answer in time. */
    public static P0fFailure timeout(P0fEndpoint endpoint, Duration timeout) {
        return new P0fFailure(P0fFailure.Kind.TIMEOUT, "no answer from " + endpoint + " within " + timeout.toMillis()
            + " ms: p0f is stalled or all its API slots are taken (see p0f -S), or the timeout is too short");
    }

    /** The peer closed the connection with answers still owed. */
    public static P0fFailure hungUp(P0fEndpoint endpoint) {
        return new P0fFailure(P0fFailure.Kind.IO_ERROR, "the connection to " + endpoint + " broke without an answer: "
            + whoHungUp(endpoint) + "; it closed the connection");
    }

    /** Reading or writing failed. */
    public static P0fFailure broke(P0fEndpoint endpoint, Throwable e) {
        return new P0fFailure(P0fFailure.Kind.IO_ERROR, "the connection to " + endpoint + " broke without an answer: "
            + whoHungUp(endpoint) + " (" + describe(e) + ")");
    }

    private static String whoHungUp(P0fEndpoint endpoint) {
        return endpoint.tcpAddress().isPresent()
            ? "the relay stopped, or could not reach p0f's socket on its host (p0f not running, or the relay names "
                + "another socket; see the relay's log), or it is not a p0f relay"
            : "not a p0f socket, or p0f died (see its log)";
    }

    /** Something answered that no p0f of this protocol version would send. */
    public static P0fFailure notP0f(P0fEndpoint endpoint, String what) {
        String question = endpoint.tcpAddress().isPresent() ? "does that address relay to p0f 3's API socket?"
            : "is it p0f's API socket, and is the p0f version (3 or 2) right?";
        return new P0fFailure(P0fFailure.Kind.PROTOCOL_ERROR, "not a p0f socket: " + endpoint + " answered something "
            + "that is not p0f (" + what + "); " + question);
    }


    /** A query this protocol version cannot ask; {@code why} names the value. */
    public static P0fFailure unsupported(String why) {
        return new P0fFailure(P0fFailure.Kind.UNSUPPORTED_QUERY, why);
    }

    /** Failed fast: p0f failed {@code last} a moment ago. */
    public static P0fFailure backingOff(P0fFailure last) {
        return new P0fFailure(P0fFailure.Kind.BACKING_OFF, "p0f failed a moment ago and is not asked again until "
            + "its retry window passes; last failure: " + last);
    }

    /** Every connection allowed waits for a stalled p0f; no more are opened. */
    public static P0fFailure allConnectionsWaiting(P0fEndpoint endpoint) {
        return new P0fFailure(P0fFailure.Kind.BACKING_OFF, "every connection to p0f at " + endpoint
            + " waits for answers from a stalled p0f; not opening more (p0f has few API slots)");
    }

    /** The bound on waiting lookups is reached. */
    public static P0fFailure overloaded(P0fEndpoint endpoint, int waiting, String where) {
        return new P0fFailure(P0fFailure.Kind.OVERLOADED, "too many lookups waiting: already " + waiting + " "
            + where + " to p0f at " + endpoint);
    }

    /** A bug of the client's own, kept from reaching the caller. */
    public static P0fFailure internalError(Throwable e) {
        return new P0fFailure(P0fFailure.Kind.IO_ERROR, "p0f lookup failed: " + describe(e));
    }

    private static String lowerCaseMessage(Throwable e) {
        return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    }

    /** What went wrong in plain words: the message, without the exception's class name. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    /** The file's type and mode bits; follows symbolic links, as connect() does. */
    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode");
    }
}
