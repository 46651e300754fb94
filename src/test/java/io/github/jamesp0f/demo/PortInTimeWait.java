package io.github.jamesp0f.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Leaves a loopback port as a server leaves it after serving a connection it closed first: no
 * listener, one connection in TIME_WAIT (for about a minute). A previous demo run leaves its
 * SMTP, IMAP and webadmin ports like this.
 */
final class PortInTimeWait {

    private PortInTimeWait() {
    }

    static void leave(int port) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        // Java servers set SO_REUSEADDR, as James's do; the accepted connection inherits it.
        try (ServerSocket server = new ServerSocket(port, 1, loopback);
             Socket client = new Socket(loopback, port);
             Socket served = server.accept()) {
            served.close(); // the server closes first, so its side ends in TIME_WAIT
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        // A bind without SO_REUSEADDR (what the demo's port check once did) now fails.
        try (ServerSocket plain = new ServerSocket()) {
            plain.setReuseAddress(false);
            assertThatThrownBy(() -> plain.bind(new InetSocketAddress(loopback, port)))
                .as("port %d in TIME_WAIT", port).isInstanceOf(BindException.class);
        }
    }
}
