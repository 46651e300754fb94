package io.github.jamesp0f.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A warning worth giving even when p0f answers: its socket sits in a directory anyone can write,
 * where another user could replace it. What is wrong with the socket itself the client's failure
 * says (see {@code client.FailureWords}).
 */
final class SocketDirectoryNote {

    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET = 0140000;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;

    private SocketDirectoryNote() {
    }

    static Optional<String> of(Path socket) {
        Path directory = socket.toAbsolutePath().getParent();
        int mode;
        try {
            if (directory == null || (mode(socket) & FILE_TYPE_MASK) != SOCKET) {
                // Not a socket: the lookup's failure says so, and that is what matters first.
                return Optional.empty();
            }
            mode = mode(directory);
        } catch (IOException | RuntimeException e) {
            // Unreadable or missing: the lookup's failure says so, in better words.
            return Optional.empty();
        }
        if ((mode & OTHERS_WRITE) == 0) {
            return Optional.empty();
        }
        return Optional.of("note: " + directory + " is world-writable" + ((mode & STICKY) != 0 ? "" : " and not sticky")
            + "; p0f's README advises a directory such as /run/p0f that only p0f and the mail server's group can write");
    }

    /** Follows symbolic links: p0f's socket may be reached through one. */
    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode");
    }
}
