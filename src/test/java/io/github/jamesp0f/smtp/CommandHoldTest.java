package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.protocols.smtp.utils.TestMessageHook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.ProxyHeader;
import io.github.jamesp0f.testing.james.RawSmtpClient;
import io.github.jamesp0f.testing.james.SmtpProtocolStack;

/**
 * The command hold in James's own SMTP stack (its core handler, pipeline and threads for the line
 * under test), with a p0f client whose answers the test completes when it chooses: which commands
 * reach the hooks, when, in which order, on which thread, and with which fingerprint.
 */
class CommandHoldTest {

    static final P0fLookup WINDOWS_XP = P0fConnectHandlerTest.WINDOWS_XP;
    static final P0fLookup LINUX = P0fConnectHandlerTest.LINUX;
    static final Duration QUIET = Duration.ofMillis(300);
    static final String EARLY_COMMANDS = "EHLO pc.example\r\nMAIL FROM:<a@pc.example>\r\n";

    final List<FakeP0fClient> created = new ArrayList<>();
    final RecordingHook hook = new RecordingHook();
    final TestMessageHook messages = new TestMessageHook();
    P0fClients clients;
    SmtpProtocolStack stack;

    @BeforeEach
    void setUp() {
        clients = new P0fClients(new P0fMetrics(new RecordingMetricFactory()), (config, listener) -> {
            FakeP0fClient client = new FakeP0fClient(config);
            created.add(client);
            return client;
        });
    }

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    SmtpProtocolStack start(boolean proxyRequired, String... elements) throws Exception {
        stack = SmtpProtocolStack.start(proxyRequired, hook, handler(clients, elements), messages);
        return stack;
    }

    /** The handler refuses Windows XP, so that the tests see which fingerprint MAIL was judged on. */
    static P0fConnectHandler handler(P0fClients clients, String... elements) throws Exception {
        String[] withBlocklist = new String[elements.length + 2];
        withBlocklist[0] = "blockedOperatingSystems";
        withBlocklist[1] = "Windows XP";
        System.arraycopy(elements, 0, withBlocklist, 2, elements.length);
        return P0fConnectHandlerTest.handler(clients, new RecordingMetricFactory(), withBlocklist);
    }

    FakeP0fClient p0f() {
        return created.get(0);
    }

    @Test
    void commandsSentBeforeTheBannerReachNoHookUntilTheLookupIsDoneThenAreAnsweredInOrder() throws Exception {
        start(false);
        CompletableFuture<P0fLookup> lookup = p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(EARLY_COMMANDS);

            assertThat(client.reply()).startsWith("220");
            assertThat(client.replyWithin(QUIET)).isEmpty();
            assertThat(hook.seen).isEmpty();

            lookup.complete(WINDOWS_XP);
            assertThat(client.replyCodes(2)).containsExactly(250, 554);
            assertThat(hook.seen).containsExactly("HELO Windows XP from 127.0.0.1", "MAIL Windows XP from 127.0.0.1");
        }
    }

    /** The lookup completes on another thread at any moment around the lines' arrival: no command ever runs early. */
    @Test
    void lookupsCompletingWhileLinesArriveNeverLetACommandThroughEarly() throws Exception {
        start(false);
        Random random = new Random(17);
        for (int session = 0; session < 40; session++) {
            CompletableFuture<P0fLookup> lookup = p0f().stalling();
            long delayMicros = random.nextInt(3000);
            try (RawSmtpClient client = stack.connect("127.0.0.1")) {
                CompletableFuture.runAsync(() -> lookup.complete(WINDOWS_XP),
                    CompletableFuture.delayedExecutor(delayMicros, TimeUnit.MICROSECONDS));
                client.send(EARLY_COMMANDS);
                assertThat(client.replyCodes(3)).as("session %d", session).containsExactly(220, 250, 554);
            }
        }
        assertThat(hook.seen).hasSize(80).allMatch(seen -> seen.contains("Windows XP"));
    }

    @Test
    void aLookupAnsweredBeforeAnyLineHoldsNothing() throws Exception {
        start(false);
        p0f().answering(LINUX);
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            assertThat(client.reply()).startsWith("220");
            client.send(EARLY_COMMANDS);
            assertThat(client.replyCodes(2)).containsExactly(250, 250);
            assertThat(hook.seen).containsExactly("HELO Linux 3.11 and newer from 127.0.0.1",
                "MAIL Linux 3.11 and newer from 127.0.0.1");
        }
    }

    @Test
    void linesArrivingWhileHeldAndAfterTheReplayKeepTheirOrderAndJamesThread() throws Exception {
        start(false);
        CompletableFuture<P0fLookup> lookup = p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send("EHLO pc.example\r\n");
            assertThat(client.reply()).startsWith("220");
            client.send("MAIL FROM:<a@pc.example>\r\n");
            assertThat(client.replyWithin(QUIET)).isEmpty();

            lookup.complete(LINUX);
            client.send("RCPT TO:<b@example.test>\r\n");
            assertThat(client.replyCodes(3)).containsExactly(250, 250, 250);
            client.send("RCPT TO:<c@example.test>\r\n");
            assertThat(client.replyCodes(1)).containsExactly(250);
            assertThat(hook.seen).extracting(seen -> seen.substring(0, 4)).containsExactly("HELO", "MAIL", "RCPT", "RCPT");
            assertThat(hook.threads).as("replayed and later commands run on the session's one James thread").hasSize(1);
        }
    }

    @Test
    void aWholeMessageHeldWithItsDataIsReplayedThroughJamesDataHandler() throws Exception {
        start(false);
        CompletableFuture<P0fLookup> lookup = p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(EARLY_COMMANDS, "RCPT TO:<b@example.test>\r\nDATA\r\n",
                "Subject: held\r\n\r\nMAIL FROM:<not-a-command@example.test>\r\n.\r\nQUIT\r\n");
            assertThat(client.reply()).startsWith("220");
            assertThat(client.replyWithin(QUIET)).isEmpty();

            lookup.complete(LINUX);
            assertThat(client.replyCodes(6)).containsExactly(250, 250, 250, 354, 250, 221);
        }
        assertThat(messages.getQueued()).hasSize(1);
        assertThat(new String(messages.getQueued().get(0).getMessageInputStream().readAllBytes()))
            .contains("MAIL FROM:<not-a-command@example.test>");
        assertThat(hook.seen).extracting(seen -> seen.substring(0, 4)).containsExactly("HELO", "MAIL", "RCPT");
    }

    /**
     * With its input paused, the channel cannot see the client leave: the held commands are then
     * handled as James handles the lines it read before a client's FIN (once, in order), and the
     * connection closes when reading resumes.
     */
    @Test
    void aClientThatLeavesWhileHeldIsHandledAsJamesWouldAndLeavesNothingBehind() throws Exception {
        start(false);
        CompletableFuture<P0fLookup> lookup = p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(EARLY_COMMANDS);
            assertThat(client.reply()).startsWith("220");
        }
        Thread.sleep(QUIET.toMillis());
        assertThat(hook.seen).isEmpty();
        lookup.complete(WINDOWS_XP);

        p0f().answering(LINUX);
        try (RawSmtpClient next = stack.connect("127.0.0.1")) {
            assertThat(next.reply()).startsWith("220");
            next.send("EHLO next.example\r\n");
            assertThat(next.replyCodes(1)).containsExactly(250);
        }
        hook.awaitSeen(3);
        assertThat(hook.seen).filteredOn(seen -> seen.contains("Windows"))
            .containsExactly("HELO Windows XP from 127.0.0.1", "MAIL Windows XP from 127.0.0.1");
    }

    @Test
    void aP0fThatNeverAnswersHoldsTheCommandsOnlyForTheTimeout() throws Exception {
        try (FakeP0fServer server = FakeP0fServer.start()) {
            server.neverAnswering();
            P0fClients real = new P0fClients(new P0fMetrics(new RecordingMetricFactory()));
            stack = SmtpProtocolStack.start(false,
                hook, handler(real, "socketPath", server.socketPath().toString(), "noMatchRetryDelay", "0"), messages);
            try (RawSmtpClient client = stack.connect("127.0.0.1")) {
                long start = System.nanoTime();
                client.send(EARLY_COMMANDS);
                assertThat(client.reply()).startsWith("220");
                assertThat(client.replyCodes(2)).containsExactly(250, 250);
                long heldMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(heldMillis).as("held for the 200ms timeout, not forever").isGreaterThanOrEqualTo(150);
                assertThat(hook.seen).containsExactly("HELO none from 127.0.0.1", "MAIL none from 127.0.0.1");
            }
            server.normally();
        }
    }

    @Test
    void behindProxyV1TheHeadersClientIsLookedUpAndCommandsInItsSegmentAreHeld() throws Exception {
        start(true);
        CompletableFuture<P0fLookup> lookup = p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(ProxyHeader.v1("198.51.100.7", 40001, "127.0.0.1", 25), EARLY_COMMANDS);
            assertThat(client.reply()).startsWith("220");
            assertThat(client.replyWithin(QUIET)).isEmpty();
            assertThat(hook.seen).isEmpty();

            lookup.complete(WINDOWS_XP);
            assertThat(client.replyCodes(2)).containsExactly(250, 554);
        }
        assertThat(p0f().asked()).extracting(InetSocketAddress::getHostString).containsExactly("198.51.100.7");
        assertThat(hook.seen).containsExactly("HELO Windows XP from 198.51.100.7", "MAIL Windows XP from 198.51.100.7");
    }

    @Test
    void behindProxyV2AnIpv6ClientIsLookedUpNeverTheProxy() throws Exception {
        start(true);
        CompletableFuture<P0fLookup> lookup = p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(ProxyHeader.v2("2001:db8::7", 40001, "2001:db8::1", 25), EARLY_COMMANDS);
            assertThat(client.reply()).startsWith("220");
            lookup.complete(LINUX);
            assertThat(client.replyCodes(2)).containsExactly(250, 250);
        }
        assertThat(p0f().asked()).extracting(asked -> asked.getAddress().getHostAddress())
            .containsExactly("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void behindProxyTheLookupStartsWithTheHeaderBeforeAnyCommand() throws Exception {
        start(true);
        p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(ProxyHeader.v2("198.51.100.8", 40001, "127.0.0.1", 25));
            assertThat(client.reply()).startsWith("220");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (p0f().asked().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(p0f().asked()).extracting(InetSocketAddress::getHostString).containsExactly("198.51.100.8");
        }
    }

    @Test
    void behindProxyAClientInNeverLookUpIsNotLookedUpAndNotHeld() throws Exception {
        start(true, "neverLookUp", "198.51.100.0/24");
        p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(ProxyHeader.v1("198.51.100.9", 40001, "127.0.0.1", 25), EARLY_COMMANDS);
            assertThat(client.reply()).startsWith("220");
            assertThat(client.replyCodes(2)).containsExactly(250, 250);
        }
        assertThat(p0f().asked()).isEmpty();
        assertThat(hook.seen).containsExactly("HELO none from 198.51.100.9", "MAIL none from 198.51.100.9");
    }

    @Test
    void aProxyHealthCheckWithoutClientIsNeverLookedUp() throws Exception {
        start(true);
        p0f().stalling();
        try (RawSmtpClient client = stack.connect("127.0.0.1")) {
            client.send(ProxyHeader.v2Local(), "EHLO health.example\r\n");
            assertThat(client.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(p0f().asked()).isEmpty();
        assertThat(hook.seen).isEmpty();
    }

    /** What each hook saw: the command, the session's fingerprint then, and the client address. */
    static final class RecordingHook implements HeloHook, MailHook, RcptHook {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public HookResult doHelo(SMTPSession session, String helo) {
            return record("HELO", session);
        }

        @Override
        public HookResult doMail(SMTPSession session, MaybeSender sender) {
            return record("MAIL", session);
        }

        @Override
        public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
            return record("RCPT", session);
        }

        void awaitSeen(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (seen.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).hasSize(count);
        }

        private HookResult record(String command, SMTPSession session) {
            seen.add(command + " " + SessionFingerprint.fingerprint(session).map(Fingerprint::osDescription).orElse("none")
                + " from " + session.getRemoteAddress().getAddress().getHostAddress());
            threads.add(Thread.currentThread().getName());
            return HookResult.DECLINED;
        }
    }
}
