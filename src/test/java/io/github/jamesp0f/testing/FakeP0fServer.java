package io.github.jamesp0f.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.fingerprint.Fingerprint;

/**
 * A p0f stand-in on a temporary unix socket (or on a loopback TCP port, {@link #startTcp()}, as
 * p0f's API relayed over TCP), for what the real daemon cannot do on demand: answer
 * slowly, half, with garbage, never, not accept at all (p0f with every API slot taken) or hang up.
 *
 * <p>What is answered (the responder) and how it is delivered (the {@link Mode}) are set
 * separately, at any time. Queries held back by {@link #neverAnswering()} or cut by
 * {@link #partially()} are completed as soon as the mode changes again, as p0f does when it
 * resumes after a stall. v2 mode ({@link #startV2()}) answers one query per connection and then
 * closes, like p0f 2.
 */
public final class FakeP0fServer implements AutoCloseable {

    /** How answers are delivered. */
    public enum Mode {
        /** The whole answer at once. */
        ANSWER,
        /** The whole answer after {@link #slowly(Duration)}'s delay. */
        SLOW,
        /** The first half of the answer, then nothing until the mode changes. */
        PARTIAL,
        /** 232 (or 144) bytes of something that is not p0f. */
        GARBAGE,
        /** Queries are read but not answered until the mode changes. */
        NEVER_ANSWER,
        /** New connections wait in the listen backlog, never accepted (connect() still succeeds). */
        NOT_ACCEPTING,
        /** New connections are closed at once; open ones close instead of answering. */
        CLOSE_IMMEDIATELY
    }

    private static final int BACKLOG = 50;
    private static final int ACCEPT_POLL_MILLIS = 10;

    private final int version;
    private final Path directory;
    private final Path socketPath;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<ReceivedQuery> queries = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger undelivered = new AtomicInteger();
    private final Object lock = new Object();

    private volatile Mode mode = Mode.ANSWER;
    private volatile Duration delay = Duration.ZERO;
    private volatile Function<ReceivedQuery, byte[]> responder;
    private volatile boolean closed;
    /** True while the acceptor is parked in NOT_ACCEPTING mode, so that tests can rely on it. */
    private boolean acceptorParked;

    private FakeP0fServer(int version, Path socketPath) throws IOException {
        this.version = version;
        this.directory = socketPath == null ? Files.createTempDirectory("fake-p0f") : null;
        this.socketPath = socketPath == null ? directory.resolve("p0f.sock") : socketPath;
        this.server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(this.socketPath), BACKLOG);
        this.acceptor = startAccepting();
    }

    /** v3 on TCP: {@code address}'s port 0 takes a free one. */
    private FakeP0fServer(InetSocketAddress address) throws IOException {
        this.version = 3;
        this.directory = null;
        this.socketPath = null;
        this.server = new ServerSocket();
        server.bind(address, BACKLOG);
        this.acceptor = startAccepting();
    }

    private Thread startAccepting() throws IOException {
        server.setSoTimeout(ACCEPT_POLL_MILLIS);
        this.responder = version == 3 ? q -> P0fWire.v3NoMatch() : q -> P0fWire.v2Answer(q.v2Id(), P0fWire.V2_TYPE_NOMATCH, null);
        Thread thread = new Thread(this::acceptLoop, "fake-p0f-acceptor");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** A v3 server (p0f 3, {@code -s}) answering NOMATCH until told otherwise. */
    public static FakeP0fServer start() throws IOException {
        return new FakeP0fServer(3, null);
    }

    /** A v3 server on a socket path of the test's choosing (a file left there is replaced). */
    public static FakeP0fServer start(Path socketPath) throws IOException {
        Files.deleteIfExists(socketPath);
        return new FakeP0fServer(3, socketPath);
    }

    /** A v2 server (p0f 2, {@code -Q}): one query per connection, NOMATCH until told otherwise. */
    public static FakeP0fServer startV2() throws IOException {
        return new FakeP0fServer(2, null);
    }

    /**
     * A v3 server on a free TCP port of 127.0.0.1, as p0f's API relayed over TCP. NOT_ACCEPTING
     * there means the kernel completes connections into the listen backlog, as for a relay whose
     * p0f does not answer.
     */
    public static FakeP0fServer startTcp() throws IOException {
        return startTcp(0);
    }

    /** The same on a port of the test's choosing (where a client was refused before, say). */
    public static FakeP0fServer startTcp(int port) throws IOException {
        return new FakeP0fServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** The unix socket's path; a TCP server has none (see {@link #endpoint()}). */
    public Path socketPath() {
        if (socketPath == null) {
            throw new IllegalStateException("a TCP fake has no socket path: use endpoint()");
        }
        return socketPath;
    }

    /** Where the client reaches this fake: {@code unix:PATH}, or {@code tcp:127.0.0.1:PORT}. */
    public P0fEndpoint endpoint() {
        return socketPath != null ? P0fEndpoint.unix(socketPath)
            : P0fEndpoint.tcp(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()));
    }

    // ----- what to answer

    /** Answer every query with an OK carrying {@code fingerprint}. */
    public FakeP0fServer answering(Fingerprint fingerprint) {
        return answering(q -> version == 3 ? P0fWire.v3Ok(fingerprint)
            : P0fWire.v2Answer(q.v2Id(), P0fWire.V2_TYPE_OK, fingerprint));
    }

    public FakeP0fServer answeringNoMatch() {
        return answering(q -> version == 3 ? P0fWire.v3NoMatch()
            : P0fWire.v2Answer(q.v2Id(), P0fWire.V2_TYPE_NOMATCH, null));
    }

    public FakeP0fServer answeringBadQuery() {
        return answering(q -> version == 3 ? P0fWire.v3BadQuery()
            : P0fWire.v2Answer(q.v2Id(), P0fWire.V2_TYPE_BADQUERY, null));
    }

    /** Answer every query with exactly these bytes (any length). */
    public FakeP0fServer answeringRaw(byte[] bytes) {
        byte[] copy = bytes.clone();
        return answering(q -> copy);
    }

    /** Answer each query with whatever {@code responder} returns for it (any length). */
    public FakeP0fServer answering(Function<ReceivedQuery, byte[]> responder) {
        this.responder = responder;
        return setMode(Mode.ANSWER);
    }

    // ----- how to answer

    /** Back to answering at once; held and half-sent answers are completed. */
    public FakeP0fServer normally() {
        return setMode(Mode.ANSWER);
    }

    public FakeP0fServer slowly(Duration delay) {
        this.delay = delay;
        return setMode(Mode.SLOW);
    }

    public FakeP0fServer partially() {
        return setMode(Mode.PARTIAL);
    }

    public FakeP0fServer garbage() {
        return setMode(Mode.GARBAGE);
    }

    public FakeP0fServer neverAnswering() {
        return setMode(Mode.NEVER_ANSWER);
    }

    /** Returns once the acceptor has stopped accepting: later connects stay in the backlog. */
    public FakeP0fServer notAccepting() {
        setMode(Mode.NOT_ACCEPTING);
        synchronized (lock) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!acceptorParked && System.nanoTime() < deadline) {
                waitOnLock(10);
            }
        }
        return this;
    }

    public FakeP0fServer closingImmediately() {
        return setMode(Mode.CLOSE_IMMEDIATELY);
    }

    public Mode mode() {
        return mode;
    }

    // ----- what happened

    public List<ReceivedQuery> queries() {
        return Collections.unmodifiableList(new ArrayList<>(queries));
    }

    public int connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Answers the fake could not write because the client had hung up first: what kills the real
     * p0f with SIGPIPE. A client must keep this at zero.
     */
    public int undeliveredAnswers() {
        return undelivered.get();
    }

    /** Connections accepted and not yet closed by either side, as far as the server knows. */
    public int openConnections() {
        int open = 0;
        for (Socket s : connections) {
            if (!s.isClosed()) {
                open++;
            }
        }
        return open;
    }

    /** Waits until at least {@code count} queries have arrived. */
    public void awaitQueries(int count, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queries.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("fake p0f got " + queries.size() + " queries, expected " + count);
            }
            Thread.sleep(2);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        closeQuietly(server);
        for (Socket s : connections) {
            closeQuietly(s);
        }
        try {
            acceptor.join(2000);
            if (socketPath != null) {
                Files.deleteIfExists(socketPath);
            }
            if (directory != null) {
                Files.deleteIfExists(directory);
            }
        } catch (IOException | InterruptedException e) {
            // A leftover temp file is harmless.
        }
    }

    // ----- server side

    private FakeP0fServer setMode(Mode newMode) {
        synchronized (lock) {
            mode = newMode;
            lock.notifyAll();
        }
        return this;
    }

    private void acceptLoop() {
        while (!closed) {
            if (mode == Mode.NOT_ACCEPTING) {
                synchronized (lock) {
                    acceptorParked = true;
                    lock.notifyAll();
                    while (mode == Mode.NOT_ACCEPTING && !closed) {
                        waitOnLock(0);
                    }
                    acceptorParked = false;
                }
                continue;
            }
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            connections.add(socket);
            if (mode == Mode.CLOSE_IMMEDIATELY) {
                closeQuietly(socket);
                continue;
            }
            Thread serving = new Thread(() -> serve(socket), "fake-p0f-connection-" + accepted.get());
            serving.setDaemon(true);
            serving.start();
        }
    }

    private void serve(Socket socket) {
        try (Socket s = socket) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] query = new byte[version == 3 ? P0fWire.V3_QUERY_SIZE : P0fWire.V2_QUERY_SIZE];
            do {
                if (!readQuery(in, query)) {
                    return;
                }
                ReceivedQuery received = new ReceivedQuery(version, query.clone());
                queries.add(received);
                boolean delivered;
                try {
                    delivered = deliver(out, responder.apply(received));
                } catch (IOException e) {
                    if (!closed) {
                        undelivered.incrementAndGet();
                    }
                    return;
                }
                if (!delivered) {
                    return;
                }
            } while (version == 3);
        } catch (IOException | RuntimeException e) {
            // The client hung up: nothing to do.
        }
    }

    private static boolean readQuery(DataInputStream in, byte[] query) throws IOException {
        try {
            in.readFully(query);
            return true;
        } catch (EOFException e) {
            return false;
        }
    }

    /** Sends one answer the current mode's way; false when the connection must close instead. */
    private boolean deliver(OutputStream out, byte[] answer) throws IOException {
        Mode current = awaitModeOtherThan(Mode.NEVER_ANSWER, Mode.NOT_ACCEPTING);
        switch (current) {
            case CLOSE_IMMEDIATELY:
                return false;
            case GARBAGE:
                out.write(garbage(answer.length));
                break;
            case SLOW:
                sleep(delay);
                out.write(answer);
                break;
            case PARTIAL:
                int half = answer.length / 2;
                out.write(answer, 0, half);
                out.flush();
                if (awaitModeOtherThan(Mode.PARTIAL) == Mode.CLOSE_IMMEDIATELY) {
                    return false;
                }
                out.write(answer, half, answer.length - half);
                break;
            default:
                out.write(answer);
                break;
        }
        out.flush();
        return true;
    }

    private Mode awaitModeOtherThan(Mode... held) {
        synchronized (lock) {
            while (!closed && Arrays.asList(held).contains(mode)) {
                waitOnLock(0);
            }
            return mode;
        }
    }

    private static byte[] garbage(int length) {
        byte[] text = "HTTP/1.1 400 Bad Request\r\nServer: not-p0f\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(text, Math.max(length, 1));
    }

    private void waitOnLock(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a test fixture
        }
    }

    /** One query as the fake received it. */
    public static final class ReceivedQuery {
        private final int version;
        private final byte[] raw;

        ReceivedQuery(int version, byte[] raw) {
            this.version = version;
            this.raw = raw;
        }

        public int version() {
            return version;
        }

        public byte[] raw() {
            return raw.clone();
        }

        /** v3: the address type byte (4 or 6, anything for a bad query). */
        public int v3AddressType() {
            return raw[4] & 0xff;
        }

        /** The remote address asked about (v3: by its type byte; v2: src_ad). */
        public InetAddress address() {
            try {
                if (version == 2) {
                    return InetAddress.getByAddress(Arrays.copyOfRange(raw, 12, 16));
                }
                int length = v3AddressType() == 6 ? 16 : 4;
                return InetAddress.getByAddress(Arrays.copyOfRange(raw, 5, 5 + length));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public int v2Id() {
            return ints().getInt(8);
        }

        public InetAddress v2LocalAddress() {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(raw, 16, 20));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public int v2RemotePort() {
            return ints().getShort(20) & 0xffff;
        }

        public int v2LocalPort() {
            return ints().getShort(22) & 0xffff;
        }

        private ByteBuffer ints() {
            return ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        }

        @Override
        public String toString() {
            return "v" + version + " query for " + address().getHostAddress();
        }
    }
}
