package io.github.jamesp0f.client.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.newsclub.net.unix.AFUNIXSocketChannel;

import io.github.jamesp0f.client.protocol.V3Codec;

/**
 * The bytes of one connection's queries on their way to p0f. Called only under its
 * {@link QueryPipeline}'s lock; the volatile fields are how the connection's thread learns,
 * without the lock, that there is something for it to do.
 *
 * <p>The channel is in blocking mode (its thread blocks in read()), so a write blocks if the
 * socket's send buffer is full; it never is: p0f has at most {@code maxQueries} queries unread,
 * and {@link #attach} makes the buffer hold that many writes. Should it fill anyway, the write
 * gives up after the socket's timeout, and what is left waits for the next write.
 */
final class QueryWriter {

    /** Send-buffer room per query owed: the kernel counts a small write as about 0.8 KB. */
    private static final int SEND_BUFFER_PER_QUERY = 2048;

    private final int maxQueries;
    /** Query bytes not yet written, in read mode. */
    private final ByteBuffer out;
    /** Set under the pipeline's lock, read by whoever closes it. */
    private volatile AFUNIXSocketChannel channel;
    /** Bytes of queries written; a query p0f has only part of is owed no answer yet. */
    private long bytesWritten;
    /** A write left bytes behind: the next write, or the connection's thread, sends them. */
    private volatile boolean leftover;
    private volatile IOException writeError;

    QueryWriter(int maxQueries) {
        this.maxQueries = maxQueries;
        this.out = ByteBuffer.allocateDirect(maxQueries * V3Codec.QUERY_SIZE).order(ByteOrder.nativeOrder());
        out.flip();
    }

    void attach(AFUNIXSocketChannel ch) {
        channel = ch;
    }

    /** Once connected: room in the send buffer for a write per query owed. */
    void sizeSendBuffer() throws IOException {
        int needed = maxQueries * SEND_BUFFER_PER_QUERY;
        if (channel.socket().getSendBufferSize() < needed) {
            channel.socket().setSendBufferSize(needed);
        }
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

    /** Writes what is queued. */
    void write() {
        if (!out.hasRemaining() || writeError != null) {
            return;
        }
        try {
            bytesWritten += channel.write(out);
        } catch (IOException e) {
            writeError = e;
        }
        leftover = out.hasRemaining();
    }

    boolean hasLeftover() {
        return leftover;
    }

    IOException writeError() {
        return writeError;
    }

    /**
     * Wakes the connection's thread from its read (which then sees the end of the stream). Only
     * when nothing is owed: p0f dies of SIGPIPE writing to a socket whose reading side is shut.
     */
    void stopReading() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            // Already shut or closed: the read has ended anyway.
        }
    }

    void closeChannel() {
        AFUNIXSocketChannel ch = channel;
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
