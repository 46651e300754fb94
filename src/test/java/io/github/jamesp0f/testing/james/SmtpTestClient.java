package io.github.jamesp0f.testing.james;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.commons.net.smtp.AuthenticatingSMTPClient;

/**
 * A real SMTP client for tests (commons-net), speaking from a chosen local source address
 * (127.0.0.1, 127.0.0.77, ::1, ...) and recording every reply, the 220 banner included.
 *
 * <pre>
 *   try (SmtpTestClient smtp = SmtpTestClient.connect(james.smtpAddress(), InetAddress.getByName("127.0.0.77"))) {
 *       assertThat(smtp.sendMail("a@example.test", "b@example.test", message)).isEqualTo(250);
 *   }
 * </pre>
 */
public final class SmtpTestClient implements AutoCloseable {

    /** One reply: its code and its full text (all lines). */
    public static final class Reply {
        private final int code;
        private final String text;

        Reply(int code, String text) {
            this.code = code;
            this.text = text;
        }

        public int code() {
            return code;
        }

        public String text() {
            return text;
        }

        @Override
        public String toString() {
            return text.trim();
        }
    }

    private final AuthenticatingSMTPClient client;
    private final List<Reply> replies = new ArrayList<>();
    private final long bannerNanos;

    private SmtpTestClient(AuthenticatingSMTPClient client, long bannerNanos) {
        this.client = client;
        this.bannerNanos = bannerNanos;
        record();
    }

    /** Connects from {@code source}, or, when it is null, from whatever address and port the kernel picks. */
    public static SmtpTestClient connect(InetAddress server, int port, InetAddress source) {
        return connect(new AuthenticatingSMTPClient(), server, port, source);
    }

    private static SmtpTestClient connect(AuthenticatingSMTPClient client, InetAddress server, int port, InetAddress source) {
        client.setConnectTimeout(10_000);
        client.setDefaultTimeout(20_000);
        long start = System.nanoTime();
        try {
            client.connect(server, port, source, 0);
            long banner = System.nanoTime() - start;
            client.setSoTimeout(20_000);
            return new SmtpTestClient(client, banner);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect from " + source + " to " + server + ":" + port, e);
        }
    }

    /**
     * Connects as a balancer does to a server that requires the PROXY protocol: {@code header}
     * ({@link io.github.jamesp0f.testing.ProxyHeader}) goes out first, before the banner is read.
     */
    public static SmtpTestClient connectThroughProxy(InetAddress server, int port, byte[] header) {
        AuthenticatingSMTPClient client = new AuthenticatingSMTPClient() {
            @Override
            protected void _connectAction_() throws IOException {
                _socket_.getOutputStream().write(header);
                super._connectAction_();
            }
        };
        return connect(client, server, port, null);
    }

    public static SmtpTestClient connect(JamesTestServer james, String source) {
        try {
            InetAddress from = InetAddress.getByName(source);
            InetAddress to = from instanceof java.net.Inet6Address ? InetAddress.getByName("::1") : james.smtpAddress();
            return connect(to, james.smtpPort(), from);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From connect() until the 220 banner had arrived, in milliseconds. */
    public double bannerMillis() {
        return bannerNanos / 1_000_000.0;
    }

    public int ehlo(String name) {
        return call(() -> client.ehlo(name));
    }

    /** AUTH PLAIN; 235 when accepted. */
    public int authPlain(String user, String password) {
        return call(() -> {
            try {
                client.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, user, password);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
            return client.getReplyCode();
        });
    }

    public int mailFrom(String sender) {
        return call(() -> client.mail("<" + sender + ">"));
    }

    public int rcptTo(String recipient) {
        return call(() -> client.rcpt("<" + recipient + ">"));
    }

    /** DATA with the message (commons-net dot-stuffs it); the final reply's code (250 when queued). */
    public int data(String message) {
        return call(() -> {
            client.sendShortMessageData(message);
            return client.getReplyCode();
        });
    }

    /** EHLO, MAIL, RCPT and DATA; the code of the first reply that was not positive, or the final 250. */
    public int sendMail(String sender, String recipient, String message) {
        int code = ehlo("client.example.test");
        if (code != 250) {
            return code;
        }
        return sendMailAfterEhlo(sender, recipient, message);
    }

    public int sendMailAfterEhlo(String sender, String recipient, String message) {
        int code = mailFrom(sender);
        if (code != 250) {
            return code;
        }
        code = rcptTo(recipient);
        if (code != 250) {
            return code;
        }
        return data(message);
    }

    public int quit() {
        return call(client::quit);
    }

    public List<Reply> replies() {
        return Collections.unmodifiableList(new ArrayList<>(replies));
    }

    public Reply lastReply() {
        return replies.get(replies.size() - 1);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (IOException ignored) {
            // Closing a test connection: nothing to do about it.
        }
    }

    private interface SmtpCall {
        int run() throws IOException;
    }

    private int call(SmtpCall command) {
        try {
            command.run();
        } catch (IOException e) {
            throw new UncheckedIOException("SMTP conversation failed after " + replies, e);
        }
        record();
        return client.getReplyCode();
    }

    private void record() {
        replies.add(new Reply(client.getReplyCode(), client.getReplyString()));
    }
}
