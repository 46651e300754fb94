package io.github.jamesp0f.testing;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A minimal p0f v3 query over plain junixsocket, independent of the client under test, so that
 * the test harness can tell whether p0f is up and what it knows without trusting the code it
 * tests. One connection, one query at a time; the answer is always read before closing (p0f dies
 * of SIGPIPE when it writes to a closed client).
 */
public final class RawP0fQuery implements Closeable {

    private static final int QUERY_MAGIC = 0x50304601;
    private static final int QUERY_LENGTH = P0fWire.V3_QUERY_SIZE;
    private static final int RESPONSE_LENGTH = P0fWire.V3_ANSWER_SIZE;

    private final AFUNIXSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] answer = new byte[RESPONSE_LENGTH];
    private int answerBytes;
    private boolean awaitingAnswer;

    private RawP0fQuery(AFUNIXSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawP0fQuery connect(Path socketPath) throws IOException {
        AFUNIXSocket socket = AFUNIXSocket.newInstance();
        try {
            socket.connect(AFUNIXSocketAddress.of(socketPath));
            return new RawP0fQuery(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects, asks about one address, reads the whole answer and closes. */
    public static Answer ask(Path socketPath, InetAddress address, Duration timeout) throws IOException {
        try (RawP0fQuery query = connect(socketPath)) {
            query.send(address);
            return query.receive(timeout);
        }
    }

    /** The 21-byte v3 query for {@code address}: IPv4 (and IPv4-mapped IPv6) as type 4. */
    public static byte[] encode(InetAddress address) {
        ByteBuffer query = ByteBuffer.allocate(QUERY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        query.putInt(QUERY_MAGIC);
        byte[] raw = address.getAddress();
        query.put((byte) (address instanceof Inet4Address ? 4 : 6));
        query.put(raw);
        return query.array();
    }

    public void send(InetAddress address) throws IOException {
        if (awaitingAnswer) {
            throw new IllegalStateException("the previous answer has not been read yet");
        }
        out.write(encode(address));
        out.flush();
        awaitingAnswer = true;
        answerBytes = 0;
    }

    /**
     * Waits at most {@code timeout} for the answer. On timeout the bytes read so far are kept:
     * call again (for example after resuming a stalled p0f) to finish reading it.
     */
    public Answer receive(Duration timeout) throws IOException {
        if (!awaitingAnswer) {
            throw new IllegalStateException("no query sent");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answerBytes < RESPONSE_LENGTH) {
            long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException("p0f did not answer within " + timeout.toMillis() + " ms ("
                    + answerBytes + " of " + RESPONSE_LENGTH + " bytes)");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
            int n;
            try {
                n = in.read(answer, answerBytes, RESPONSE_LENGTH - answerBytes);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                throw new EOFException("p0f closed the connection after " + answerBytes + " of "
                    + RESPONSE_LENGTH + " bytes");
            }
            answerBytes += n;
        }
        awaitingAnswer = false;
        return Answer.decode(answer);
    }

    public boolean awaitingAnswer() {
        return awaitingAnswer;
    }

    /**
     * Closes the connection. With an answer still coming, waits (briefly) for it first, so that
     * p0f never writes to a closed socket.
     */
    @Override
    public void close() throws IOException {
        try {
            if (awaitingAnswer) {
                receive(Duration.ofSeconds(5));
            }
        } finally {
            socket.close();
        }
    }

    /** The parts of a v3 answer the harness looks at. */
    public static final class Answer {
        private final int magic;
        private final int status;
        private final int distance;
        private final int osMatchQuality;
        private final String osName;
        private final String osFlavor;
        private final String linkType;

        private Answer(int magic, int status, int distance, int osMatchQuality, String osName, String osFlavor,
                       String linkType) {
            this.magic = magic;
            this.status = status;
            this.distance = distance;
            this.osMatchQuality = osMatchQuality;
            this.osName = osName;
            this.osFlavor = osFlavor;
            this.linkType = linkType;
        }

        static Answer decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            return new Answer(b.getInt(0), b.getInt(4), b.getShort(36), b.get(39) & 0xFF, text(bytes, 40),
                text(bytes, 72), text(bytes, 168));
        }

        private static String text(byte[] bytes, int offset) {
            int end = offset;
            while (end < offset + 32 && bytes[end] != 0) {
                end++;
            }
            return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
        }

        public boolean isP0f() {
            return magic == P0fWire.V3_MAGIC_ANSWER;
        }

        public int status() {
            return status;
        }

        public boolean isOk() {
            return isP0f() && status == P0fWire.V3_STATUS_OK;
        }

        /** Hops; 255 when p0f does not know. */
        public int distance() {
            return distance;
        }

        /** p0f's os_match_q: bit 1 fuzzy, bit 2 generic signature. */
        public int osMatchQuality() {
            return osMatchQuality;
        }

        /** Empty when p0f has not matched an OS. */
        public String osName() {
            return osName;
        }

        public String osFlavor() {
            return osFlavor;
        }

        public String linkType() {
            return linkType;
        }

        @Override
        public String toString() {
            return String.format("magic=0x%08x status=0x%02x os_name=\"%s\" os_flavor=\"%s\" distance=%d link=\"%s\"",
                magic, status, osName, osFlavor, distance, linkType);
        }
    }
}
