package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.SmtpTestClient;

/**
 * Fail open, in a real James: with p0f absent, stalled (a real p0f under SIGSTOP) or answering
 * garbage, mail is accepted and delivered as if the extension were not installed, without p0f
 * attributes or headers; and a stalled p0f never holds James's I/O thread.
 *
 * <p>One James with four SMTP servers, one per p0f situation (each handler its own client).
 */
class P0fUnavailableIT {

    static final String RECIPIENT = "user@example.test";
    static final String SENDER = "sender@elsewhere.test";

    /** Never looked up: warms the I/O-thread server up without touching its p0f client. */
    static final String WARM_UP_CLIENT = "127.0.0.9";

    static Path temp;
    static RealP0f stalledP0f;
    static FakeP0fServer garbageP0f;
    static JamesTestServer james;
    static int absentPort;
    static int stalledPort;
    static int garbagePort;
    static int ioThreadPort;
    static int mailFromPort;

    @BeforeAll
    static void start() throws Exception {
        RealP0f.assumeAvailable();
        temp = Files.createTempDirectory("p0f-unavailable");
        absentPort = FreePorts.next();
        stalledPort = FreePorts.next();
        garbagePort = FreePorts.next();
        ioThreadPort = FreePorts.next();
        mailFromPort = FreePorts.next();
        stalledP0f = RealP0f.builder().watchPort(stalledPort).start();
        garbageP0f = FakeP0fServer.start(temp.resolve("garbage.sock")).garbage();
        String stalledSocket = stalledP0f.socketPath().toString();
        james = JamesTestServer.builder()
            .smtpServer(SampleConfigs.smtpServers(
                SampleConfigs.smtpServer(absentPort, temp.resolve("absent.sock").toString()),
                SampleConfigs.smtpServer(stalledPort, stalledSocket),
                SampleConfigs.smtpServer(garbagePort, garbageP0f.socketPath().toString()),
                // Its own client (another timeout), so that its first lookup really waits on the
                // stalled p0f; one I/O thread, so that a held thread would delay every client.
                SampleConfigs.smtpServer(ioThreadPort, stalledSocket)
                    .setChild(SampleConfigs.HANDLER, "timeout", "3s")
                    .setChild(SampleConfigs.HANDLER, "neverLookUp", WARM_UP_CLIENT)
                    .setChild("/smtpservers/smtpserver", "ioWorkerCount", "1"),
                // The same for the waits after connect: the sample's blocklist needs the answer at MAIL FROM.
                SampleConfigs.smtpServer(mailFromPort, stalledSocket)
                    .setChild(SampleConfigs.HANDLER, "timeout", "4s")
                    .setChild(SampleConfigs.HANDLER, "neverLookUp", WARM_UP_CLIENT)
                    .setChild("/smtpservers/smtpserver", "ioWorkerCount", "1")))
            .mailetContainer(SampleConfigs.mailetContainer())
            .user(RECIPIENT, "secret")
            .start();
        stalledP0f.stall();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (stalledP0f != null) {
            stalledP0f.close();
        }
        if (garbageP0f != null) {
            garbageP0f.close();
        }
        if (temp != null) {
            temp.resolve("absent.sock").toFile().delete();
            temp.toFile().delete();
        }
    }

    @Test
    void absentP0fMailIsDeliveredWithoutP0fAttributes() throws Exception {
        assertDeliveredWithoutFingerprint(absentPort);
    }

    @Test
    void stalledP0fMailIsDeliveredWithoutP0fAttributes() throws Exception {
        assertDeliveredWithoutFingerprint(stalledPort);
    }

    @Test
    void garbageAnsweringP0fMailIsDeliveredWithoutP0fAttributes() throws Exception {
        assertDeliveredWithoutFingerprint(garbagePort);
        assertThat(garbageP0f.queries()).as("James did ask the garbage server").isNotEmpty();
    }

    @Test
    void stalledP0fNeverHoldsTheIoThread() throws Exception {
        InetAddress server = InetAddress.getByName("127.0.0.1");
        try (SmtpTestClient warmUp = SmtpTestClient.connect(server, ioThreadPort, InetAddress.getByName(WARM_UP_CLIENT))) {
            assertThat(warmUp.ehlo("warm.example.test")).isEqualTo(250);
        }
        try (Socket first = new Socket()) {
            // A client whose lookup now waits (3 s) on the stalled p0f; its banner is not read yet.
            first.connect(new InetSocketAddress(server, ioThreadPort));
            Thread.sleep(50);

            // Had the first lookup held the (single) I/O thread, this banner would wait its 3 s.
            try (SmtpTestClient second = SmtpTestClient.connect(server, ioThreadPort, InetAddress.getByName("127.0.0.20"))) {
                assertThat(second.replies().get(0).code()).isEqualTo(220);
                assertThat(second.bannerMillis()).as("second client's banner, ms").isLessThan(100.0);
            }
            assertThat(readLine(first)).startsWith("220");
        }
    }

    @Test
    void clientsWhoseLookupIsPendingHoldNoThread() throws Exception {
        InetAddress server = InetAddress.getByName("127.0.0.1");
        try (Socket earlyTalker = new Socket(); Socket polite = new Socket()) {
            // Talks before the banner: its EHLO and MAIL FROM may be read before the handler pauses its
            // input, and the sample's blocklist then needs its OS while the lookup waits on the stalled p0f.
            earlyTalker.connect(new InetSocketAddress(server, mailFromPort));
            send(earlyTalker, "EHLO early.example.test\r\nMAIL FROM:<" + SENDER + ">\r\n");
            // Waits for the banner, as it should: its EHLO is read only once its lookup is over.
            long politeConnected = System.nanoTime();
            polite.connect(new InetSocketAddress(server, mailFromPort));
            assertThat(readLine(polite)).startsWith("220");
            send(polite, "EHLO polite.example.test\r\n");
            Thread.sleep(100);

            // Had any of them waited for p0f on the (single) I/O thread, this session would take seconds.
            long start = System.nanoTime();
            try (SmtpTestClient other = SmtpTestClient.connect(server, mailFromPort, InetAddress.getByName(WARM_UP_CLIENT))) {
                assertThat(other.sendMail(SENDER, RECIPIENT, "From: " + SENDER + "\r\nSubject: meanwhile\r\n\r\nbody\r\n")).isEqualTo(250);
            }
            assertThat((System.nanoTime() - start) / 1e6).as("another client's session, ms").isLessThan(2000.0);

            assertThat(readLine(polite)).startsWith("250");
            assertThat((System.nanoTime() - politeConnected) / 1e6).as("polite client's EHLO answered after, ms")
                .isGreaterThan(1000.0);
            // Both fail open: mail flows without a fingerprint.
            assertThat(readLine(earlyTalker)).startsWith("220");
            assertThat(readReply(earlyTalker)).as("EHLO").startsWith("250 ");
            assertThat(readLine(earlyTalker)).as("MAIL FROM").startsWith("250");
        }
    }

    private static void send(Socket socket, String lines) throws Exception {
        socket.getOutputStream().write(lines.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The last line of a (possibly multi-line) reply. */
    private static String readReply(Socket socket) throws Exception {
        String line;
        do {
            line = readLine(socket);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static void assertDeliveredWithoutFingerprint(int port) throws Exception {
        String subject = "fail-open-" + port + "-" + UUID.randomUUID();
        String message = "From: " + SENDER + "\r\nTo: " + RECIPIENT + "\r\nSubject: " + subject
            + "\r\nX-P0F-Genre: forged\r\n\r\nbody\r\n";
        try (SmtpTestClient smtp = SmtpTestClient.connect(InetAddress.getByName("127.0.0.1"), port,
                InetAddress.getByName("127.0.0.3"))) {
            assertThat(smtp.sendMail(SENDER, RECIPIENT, message)).as("replies %s", smtp.replies()).isEqualTo(250);
            smtp.quit();
        }
        Mail mail = P0fInJamesIT.awaitSubject(james, subject);
        assertThat(mail.attributes().map(a -> a.getName().asString())).noneMatch(name -> name.startsWith("p0f."));
        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).as("forged header removed, none stamped").isNull();
    }

    private static String readLine(Socket socket) throws Exception {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII);
    }
}
