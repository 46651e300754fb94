package io.github.jamesp0f.testing;

import java.io.IOException;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** What a p0f that exited leaves behind: a socket file nobody listens on (connect() is refused). */
public final class StaleSocket {

    private StaleSocket() {
    }

    public static Path at(Path path) throws IOException {
        try (AFUNIXServerSocket gone = AFUNIXServerSocket.newInstance()) {
            gone.setDeleteOnClose(false);
            gone.bind(AFUNIXSocketAddress.of(path));
        }
        return path;
    }
}
