package io.github.jamesp0f.cli;

import java.nio.file.Path;

import io.github.jamesp0f.client.P0fFailure;

/** A client failure in the plain words an administrator acts on: what is wrong, and what to do. */
final class FailureWords {

    private FailureWords() {
    }

    static String describe(P0fFailure failure, Path socket) {
        switch (failure.kind()) {
            case SOCKET_MISSING:
                return "no such file: nothing at " + socket + " (is p0f running with -s " + socket + "?)";
            case CONNECTION_REFUSED:
                return "connection refused at " + socket + ": a stale socket left by a p0f that is no longer "
                    + "running (start p0f, or remove the file)";
            case PERMISSION_DENIED:
                return "permission denied on " + socket + ": this user may not use the socket or its directory "
                    + "(add it to the group that owns the socket's directory)";
            case PROTOCOL_ERROR:
                return "not a p0f socket: " + socket + " answered something that is not p0f (" + failure.message()
                    + "); is it p0f's -s socket, and does --version match?";
            case TIMEOUT:
                return "no answer from " + socket + " in time: p0f is stalled or all its API slots are taken "
                    + "(see p0f -S), or the timeout is too short (" + failure.message() + ")";
            case BAD_QUERY:
                return "p0f refused the query as malformed (BADQUERY): " + failure.message();
            case UNSUPPORTED_QUERY:
                return "this query cannot be asked with this protocol version: " + failure.message();
            case BACKING_OFF:
                return "p0f failed a moment ago and is not asked again yet: " + failure.message();
            case OVERLOADED:
                return "too many lookups waiting on p0f: " + failure.message();
            case CLOSED:
                return "the client was closed: " + failure.message();
            case IO_ERROR:
            default:
                return "the connection to " + socket + " broke without an answer: not a p0f socket, or p0f died "
                    + "(see its log) (" + failure.message() + ")";
        }
    }
}
