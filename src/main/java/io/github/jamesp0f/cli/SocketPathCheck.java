package io.github.jamesp0f.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the file system says about a socket path before anything connects to it: missing, not a
 * socket, unreachable. Connecting would report these too, but less plainly.
 */
final class SocketPathCheck {

    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET = 0140000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;

    private SocketPathCheck() {
    }

    /**
     * @return notes worth telling the administrator even when the socket is fine (an unsafe directory)
     * @throws P0fUnavailableException saying in plain words why p0f cannot be there
     */
    static List<String> inspect(Path socket) throws P0fUnavailableException {
        int mode = mode(socket);
        int type = mode & FILE_TYPE_MASK;
        if (type == DIRECTORY) {
            throw new P0fUnavailableException("not a p0f socket: " + socket + " is a directory; give the path of "
                + "p0f's -s socket");
        }
        if (type == REGULAR) {
            throw new P0fUnavailableException("not a p0f socket: " + socket + " is a regular file, not a socket");
        }
        if (type != SOCKET) {
            throw new P0fUnavailableException("not a p0f socket: " + socket + " is not a unix socket");
        }
        List<String> notes = new ArrayList<>();
        Path directory = socket.toAbsolutePath().getParent();
        if (directory != null) {
            try {
                int directoryMode = mode(directory);
                if ((directoryMode & OTHERS_WRITE) != 0) {
                    notes.add("note: " + directory + " is world-writable" + ((directoryMode & STICKY) != 0
                        ? "" : " and not sticky") + "; p0f's README advises a directory such as /run/p0f that "
                        + "only p0f and the mail server's group can write");
                }
            } catch (P0fUnavailableException e) {
                // The socket itself was readable: an unreadable parent is not worth a note.
            }
        }
        return notes;
    }

    private static int mode(Path path) throws P0fUnavailableException {
        try {
            // Follows symbolic links: p0f's socket may be reached through one.
            return (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new P0fUnavailableException("no such file: the directory " + parent + " does not exist "
                    + "(is p0f running with -s " + path + "?)");
            }
            throw new P0fUnavailableException("no such file: nothing at " + path + " (is p0f running with -s "
                + path + "?)");
        } catch (AccessDeniedException e) {
            throw new P0fUnavailableException("permission denied: this user cannot reach " + path
                + " (add it to the group that owns the socket's directory)");
        } catch (IOException | UnsupportedOperationException e) {
            throw new P0fUnavailableException("cannot inspect " + path + ": " + e.getMessage());
        }
    }
}
