package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.protocol.P0fProtocolException;
import io.github.jamesp0f.client.protocol.V3Codec;

/**
 * Loads junixsocket's native library and the lookup path's classes (both transports') once per
 * JVM, when a client is created. Done
 * lazily, it costs the first lookup 0.3 to 1 s here: longer than the lookup timeout, so the first
 * SMTP connection after a start would time out and send the client into back-off for nothing.
 */
final class NativeWarmUp {

    private static volatile boolean done;

    private NativeWarmUp() {
    }

    static void once() {
        if (done) {
            return;
        }
        synchronized (NativeWarmUp.class) {
            if (done) {
                return;
            }
            try (AFUNIXSocketChannel channel = AFUNIXSocketChannel.open();
                 Selector selector = channel.provider().openSelector();
                 SocketChannel tcp = SocketChannel.open();
                 Selector tcpSelector = tcp.provider().openSelector()) {
                // The TCP transport's channel and selector classes too: a few ms, but on a loaded host more.
                tcp.configureBlocking(false);
                tcp.register(tcpSelector, SelectionKey.OP_CONNECT).cancel();
                // The answer path's classes too: a match decoded from a made-up answer.
                ByteBuffer answer = ByteBuffer.allocate(V3Codec.RESPONSE_SIZE).order(ByteOrder.nativeOrder());
                answer.putInt(0, V3Codec.RESPONSE_MAGIC).putInt(4, V3Codec.STATUS_OK).put(40, (byte) 'x');
                V3Codec.decode(answer).fingerprint();
                V3Codec.encodeQuery(InetAddress.getLoopbackAddress());
                done = selector.isOpen();
            } catch (IOException | P0fProtocolException | RuntimeException | LinkageError e) {
                // The first lookup reports whatever is wrong, as a typed failure.
                done = true;
            }
        }
    }
}
