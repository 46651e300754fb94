package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.P0fEndpoint;

/**
 * Opens and connects the channel of a v3 connection to its endpoint, on the connection's own
 * thread; all the rest (the pipeline, pairing, draining) is the same for both kinds of channel.
 * <ul>
 * <li>A unix socket: connect() returns at once unless p0f's listen backlog is full; this
 * thread, not the caller's, is the one that waits then, until the client closes the channel.</li>
 * <li>TCP: connect() never blocks. The connection waits for it in its selector, at most
 * {@code timeout}, so that a black-holed or unreachable address fails within a lookup's timeout
 * and not after the kernel's two minutes of SYN retries. Nagle's algorithm is off: queries are
 * 21 bytes, and one held back for an acknowledgement would cost a lookup tens of milliseconds.</li>
 * </ul>
 */
final class Dialer {

    private final Path socketPath;
    private final InetSocketAddress tcpAddress;
    private final Duration timeout;

    Dialer(P0fEndpoint endpoint, Duration timeout) {
        this.socketPath = endpoint.socketPath().orElse(null);
        this.tcpAddress = endpoint.tcpAddress().orElse(null);
        this.timeout = timeout;
    }

    /** How long a TCP connect may take. */
    Duration timeout() {
        return timeout;
    }

    SocketChannel open() throws IOException {
        return socketPath != null ? AFUNIXSocketChannel.open() : SocketChannel.open();
    }

    /**
     * Connects {@code channel} and registers it with {@code selector} (of the channel's provider)
     * for reading, non-blocking.
     *
     * @param stop  checked after each wake-up of the selector while a TCP connect is under way
     * @return false when {@code stop} said to give up
     * @throws SocketTimeoutException when a TCP connect did not complete within the timeout
     * @throws IOException            when connecting failed (refused, unreachable, no socket ...)
     */
    boolean connect(SocketChannel channel, Selector selector, BooleanSupplier stop) throws IOException {
        if (socketPath != null) {
            channel.connect(AFUNIXSocketAddress.of(socketPath));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            return true;
        }
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean connected = channel.connect(tcpAddress);
        while (!connected) {
            if (stop.getAsBoolean()) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("connect timed out");
            }
            // Rounded up: select(0) would wait for ever.
            selector.select(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            selector.selectedKeys().clear();
            connected = channel.finishConnect();
        }
        key.interestOps(SelectionKey.OP_READ);
        return true;
    }
}
