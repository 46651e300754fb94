package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.github.jamesp0f.client.protocol.V3Codec;

/**
 * The bytes of one connection's queries on their way to p0f, written without ever blocking: what
 * the socket does not take at once waits for OP_WRITE on the connection's thread. Called only
 * under its {@link QueryPipeline}'s lock; the two volatile flags are how the connection's thread
 * learns, after a wake-up, that there is something for it to do.
 */
final class QueryWriter {

    private final Runnable wakeUp;
    /** Query bytes not yet written, in read mode. */
    private final ByteBuffer out;
    /** Set under the pipeline's lock, read by whoever closes it. */
    private volatile SocketChannel channel;
    /** Bytes of queries written; a query p0f has only part of is owed no answer yet. */
    private long bytesWritten;
    private volatile boolean flushWanted;
    private volatile IOException writeError;

    QueryWriter(int maxQueries, Runnable wakeUp) {
        this.wakeUp = wakeUp;
        this.out = ByteBuffer.allocateDirect(maxQueries * V3Codec.QUERY_SIZE).order(ByteOrder.nativeOrder());
        out.flip();
    }

    void attach(SocketChannel ch) {
        channel = ch;
    }


    /** Appends queries: {@link #startAppending}, {@link #append} each, {@link #endAppending}. */
    void startAppending() {
        out.compact();
    }

    void append(InetAddress address) {
        V3Codec.encodeQuery(address, out);
    }

    void endAppending() {
        out.flip();
    }

    /** Writes what is queued, as far as the socket takes it now. */
    void write() {
        if (!out.hasRemaining() || writeError != null) {
            return;
        }
        try {
            bytesWritten += channel.write(out);
        } catch (IOException e) {
            writeError = e;
            wakeUp.run();
            return;
        }
        if (out.hasRemaining()) {
            flushWanted = true;
            wakeUp.run();
        }
    }

    boolean flushWanted() {
        return flushWanted;
    }

    /** On the connection's thread: writes what is left, and asks for OP_WRITE while something still is. */
    void flush(SelectionKey key, boolean closing) {
        flushWanted = false;
        if (!closing) {
            write();
        }
        key.interestOps(out.hasRemaining() && !closing
            ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    IOException writeError() {
        return writeError;
    }

    void closeChannel() {
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    boolean hasUnwritten() {
        return out.hasRemaining();
    }

    long queriesWritten() {
        return bytesWritten / V3Codec.QUERY_SIZE;
    }
}
