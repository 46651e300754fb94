package io.github.jamesp0f.contrib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.CraftedSmtp;
import io.github.jamesp0f.testing.CraftedSyn.Profile;
import io.github.jamesp0f.testing.TunLink;

/**
 * contrib/tools/crafted-smtp.py on its own: a crafted SYN opens a real TCP connection to a plain
 * Java server on a {@link TunLink}, and the script completes the handshake and an SMTP session
 * in order, over IPv4 and IPv6, with packets lost on the way; it ends with a clear message and its
 * own exit code when nothing listens, when the server stays silent and when the device is missing.
 */
class CraftedSmtpClientTest {

    private static TunLink link;

    @BeforeAll
    static void makeLink() {
        link = TunLink.create();
    }

    @AfterAll
    static void deleteLink() {
        if (link != null) {
            link.close();
        }
    }

    @Test
    void aCraftedSynCompletesAnSmtpSessionWithARealServer() throws Exception {
        InetAddress client = link.clientAddress(77, false);
        try (SmtpStub server = new SmtpStub(link.serverAddress(false))) {
            CraftedSmtp.Transcript transcript = CraftedSmtp.send(link, Profile.WINDOWS_10, client, server.port(),
                "--to", "someone@example.test");

            assertThat(transcript.completed()).as(transcript.toString()).isTrue();
            assertThat(transcript.banner()).isEqualTo(220);
            assertThat(transcript.replyTo("RCPT")).isEqualTo(250);
            assertThat(transcript.replyTo("(message)")).isEqualTo(250);
            assertThat(transcript.replyTo("QUIT")).isEqualTo(221);
            assertThat(server.peer()).isEqualTo(client);
            assertThat(server.lines()).startsWith("EHLO crafted.example", "MAIL FROM:<sender@crafted.example>",
                "RCPT TO:<someone@example.test>", "DATA").endsWith(".", "QUIT");
            assertThat(server.lines()).contains("Subject: crafted SYN", "To: <someone@example.test>");
        }
    }

    @Test
    void overIpv6Too() throws Exception {
        InetAddress client = link.clientAddress(78, true);
        try (SmtpStub server = new SmtpStub(link.serverAddress(true))) {
            CraftedSmtp.Transcript transcript = CraftedSmtp.send(link, Profile.FREEBSD, client, server.port());

            assertThat(transcript.completed()).as(transcript.toString()).isTrue();
            assertThat(server.peer()).isEqualTo(client);
            assertThat(server.lines()).endsWith(".", "QUIT");
        }
    }

    @Test
    void packetsLostOnTheWayAreSentAgain() throws Exception {
        try (SmtpStub server = new SmtpStub(link.serverAddress(false))) {
            CraftedSmtp.Transcript transcript = CraftedSmtp.sendSignature(link,
                "*:64:0:*:65535,6:mss,nop,ws,sok,ts:df,id+:0", link.clientAddress(79, false), server.port(),
                // The first SYN and EHLO; the banner and the reply to MAIL: each is sent again.
                "--drop-sent", "1,5", "--drop-received", "2,6", "--timeout", "30");

            assertThat(transcript.completed()).as(transcript.toString()).isTrue();
            assertThat(server.lines()).startsWith("EHLO crafted.example").endsWith(".", "QUIT");
        }
    }

    @Test
    void nothingListeningIsNoConnection() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, link.serverAddress(false))) {
            closedPort = probe.getLocalPort();
        }
        CraftedSmtp.Transcript transcript = CraftedSmtp.send(link, Profile.WINDOWS_7, link.clientAddress(80, false),
            closedPort);

        assertThat(transcript.exitCode()).as(transcript.toString()).isEqualTo(4);
        assertThat(transcript.output()).contains("the server reset the connection");
    }

    @Test
    void aSilentServerEndsTheSessionAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, link.serverAddress(false))) {
            CraftedSmtp.Transcript transcript = CraftedSmtp.send(link, Profile.WINDOWS_7, link.clientAddress(81, false),
                silent.getLocalPort(), "--timeout", "1");

            assertThat(transcript.exitCode()).as(transcript.toString()).isEqualTo(5);
            assertThat(transcript.output()).contains("no reply within 1 s");
        }
    }

    @Test
    void aMissingDeviceIsSaidAndNotMade() {
        String missing = link.name() + "z";
        // The last --tun given wins: the script is sent to a device that does not exist.
        CraftedSmtp.Transcript transcript = CraftedSmtp.send(link, Profile.WINDOWS_7, link.clientAddress(82, false), 25,
            "--tun", missing);

        assertThat(transcript.exitCode()).as(transcript.toString()).isEqualTo(3);
        assertThat(transcript.output()).contains("no such TUN device");
        assertThat(Files.exists(Paths.get("/sys/class/net", missing))).as("a device made by the attempt").isFalse();
    }

    /** A minimal SMTP server: one session, every line it read kept, the usual replies. */
    private static final class SmtpStub implements AutoCloseable {

        private final ServerSocket server;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final CompletableFuture<InetAddress> peer = new CompletableFuture<>();
        private final Thread thread;

        SmtpStub(InetAddress address) throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(address, 0));
            thread = new Thread(this::serve, "smtp-stub");
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        InetAddress peer() throws Exception {
            return peer.get(5, TimeUnit.SECONDS);
        }

        List<String> lines() throws InterruptedException {
            thread.join(5000);
            return lines;
        }

        private void serve() {
            try (Socket socket = server.accept()) {
                peer.complete(socket.getInetAddress());
                BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
                reply(out, "220 stub ready");
                boolean inData = false;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (inData) {
                        if (".".equals(line)) {
                            inData = false;
                            reply(out, "250 queued");
                        }
                    } else if (line.startsWith("EHLO")) {
                        reply(out, "250-stub\r\n250 PIPELINING");
                    } else if ("DATA".equals(line)) {
                        inData = true;
                        reply(out, "354 go ahead");
                    } else if ("QUIT".equals(line)) {
                        reply(out, "221 bye");
                        return;
                    } else {
                        reply(out, "250 ok");
                    }
                }
            } catch (IOException e) {
                peer.completeExceptionally(e);
            }
        }

        private static void reply(Writer out, String text) throws IOException {
            out.write(text + "\r\n");
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
