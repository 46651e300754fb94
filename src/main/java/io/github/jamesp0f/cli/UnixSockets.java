package io.github.jamesp0f.cli;

import java.io.IOException;
import java.nio.channels.Selector;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.P0fEndpoint;

/**
 * Loads junixsocket's native library and socket classes before any lookup starts its clock: in a
 * fresh JVM on a busy machine that takes up to a second, which a tool checking p0f must not blame
 * on p0f.
 */
final class UnixSockets {

    private UnixSockets() {
    }

    /** For a unix endpoint; a TCP one needs only the JDK's own sockets, which the client warms up. */
    static void loadFor(P0fEndpoint endpoint) throws P0fUnavailableException {
        if (endpoint.socketPath().isPresent()) {
            load();
        }
    }

    private static void load() throws P0fUnavailableException {
        boolean supported;
        try {
            supported = AFUNIXSocket.isSupported();
        } catch (LinkageError e) {
            supported = false;
        }
        if (!supported) {
            throw new P0fUnavailableException("this platform has no unix socket support for Java (junixsocket's "
                + "native library did not load: " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + "); is the temp directory (" + System.getProperty("java.io.tmpdir") + ") writable and not noexec?");
        }
        try (AFUNIXSocketChannel channel = AFUNIXSocketChannel.open();
             Selector selector = channel.provider().openSelector()) {
            // Opened and closed only to load their classes.
        } catch (IOException e) {
            throw new P0fUnavailableException("cannot open a unix socket: " + e.getMessage());
        }
    }
}
