package io.github.jamesp0f.testing.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An SMTP client that writes exactly the bytes it is given, in one write each (PROXY headers,
 * several commands in one segment, commands before the banner), and reads the replies as they
 * come: what a commons-net client cannot do.
 */
public final class RawSmtpClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<String> transcript = new ArrayList<>();

    private RawSmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawSmtpClient connect(String source, InetAddress server, int port) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(server, port), 10_000);
            socket.setTcpNoDelay(true);
            return new RawSmtpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect from " + source + " to " + server + ":" + port, e);
        }
    }

    /** Writes {@code parts} as one write (one segment on loopback). */
    public RawSmtpClient send(Object... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] data = part instanceof byte[] ? (byte[]) part : part.toString().getBytes(StandardCharsets.US_ASCII);
            bytes.write(data, 0, data.length);
        }
        try {
            out.write(bytes.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The next complete reply (all its lines), waiting at most {@code timeout}; empty when none came. */
    public Optional<String> replyWithin(Duration timeout) {
        StringBuilder reply = new StringBuilder();
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            while (true) {
                String line = readLine();
                if (line == null) {
                    return reply.length() == 0 ? Optional.empty() : Optional.of(reply.toString());
                }
                reply.append(line).append('\n');
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return Optional.of(reply.toString());
                }
            }
        } catch (SocketTimeoutException e) {
            if (reply.length() > 0) {
                throw new IllegalStateException("half a reply within " + timeout + ": " + reply);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next reply, which must come within 10 s (a loaded machine). */
    public String reply() {
        String reply = replyWithin(Duration.ofSeconds(10)).orElseThrow(() -> new IllegalStateException(
            "no reply within 10 s, or the server closed the connection, after " + transcript));
        transcript.add(reply.trim());
        return reply;
    }

    /** Every reply {@link #reply} read so far, for assertion messages. */
    public List<String> transcript() {
        return List.copyOf(transcript);
    }

    /** The codes of the next {@code count} replies. */
    public List<Integer> replyCodes(int count) {
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            codes.add(Integer.parseInt(reply().substring(0, 3)));
        }
        return codes;
    }

    /** True when the server closed the connection within {@code timeout} (nothing more to read). */
    public boolean closedByServerWithin(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test connection: nothing to do about it.
        }
    }
}
