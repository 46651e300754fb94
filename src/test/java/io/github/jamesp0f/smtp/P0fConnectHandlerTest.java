package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.james.TestSmtpSession;

class P0fConnectHandlerTest {

    static final P0fLookup WINDOWS_XP = P0fLookup.match(Fingerprint.builder(3).osName("Windows").osFlavor("XP")
        .distance(12).build());
    static final P0fLookup LINUX = P0fLookup.match(Fingerprint.builder(3).osName("Linux").osFlavor("3.11 and newer")
        .build());

    RecordingMetricFactory metricFactory;
    List<FakeP0fClient> created;
    P0fClients clients;

    @BeforeEach
    void setUp() {
        metricFactory = new RecordingMetricFactory();
        created = new ArrayList<>();
        clients = new P0fClients(new P0fMetrics(metricFactory), (config, listener) -> {
            FakeP0fClient client = new FakeP0fClient(config);
            created.add(client);
            return client;
        });
    }

    P0fConnectHandler handler(String... elements) throws Exception {
        return handler(clients, metricFactory, elements);
    }

    /** A handler with p0f at /run/p0f/p0f.sock, a 200ms timeout, and {@code elements} (name, value, ...). */
    static P0fConnectHandler handler(P0fClients clients, RecordingMetricFactory metricFactory, String... elements)
        throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("socketPath", "/run/p0f/p0f.sock");
        config.addProperty("timeout", "200ms");
        for (int i = 0; i < elements.length; i += 2) {
            config.setProperty(elements[i], elements[i + 1]);
        }
        FileSystem fileSystem = Mockito.mock(FileSystem.class);
        Mockito.when(fileSystem.getFile(Mockito.anyString())).thenAnswer(call -> new File((String) call.getArgument(0)));
        P0fConnectHandler handler = new P0fConnectHandler(clients, new P0fMetrics(metricFactory), fileSystem);
        handler.init(config);
        return handler;
    }

    FakeP0fClient client() {
        return created.get(0);
    }

    @Test
    void onConnectStartsTheLookupAndWritesNothingWithoutWaiting() throws Exception {
        P0fConnectHandler handler = handler();
        client().stalling();
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");

        long start = System.nanoTime();
        Response response = handler.onConnect(session);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response).isNotNull();
        assertThat(response.getLines()).isEmpty();
        assertThat(response.isEndSession()).isFalse();
        assertThat(elapsedMillis).isLessThan(100);
        assertThat(client().asked()).extracting(a -> a.getAddress().getHostAddress()).containsExactly("192.0.2.10");
    }

    @Test
    void aSessionReadsNoCommandUntilItsLookupIsDone() throws Exception {
        P0fConnectHandler handler = handler();
        CompletableFuture<P0fLookup> pending = client().stalling();
        ProtocolTransport transport = Mockito.mock(ProtocolTransport.class);
        Mockito.when(transport.getRemoteAddress()).thenReturn(new InetSocketAddress("192.0.2.10", 40000));
        Mockito.when(transport.getLocalAddress()).thenReturn(new InetSocketAddress("192.0.2.1", 25));
        SMTPSessionImpl session = new SMTPSessionImpl(transport, Mockito.mock(SMTPConfiguration.class));

        handler.onConnect(session);

        Mockito.verify(transport).setReadable(false);
        Mockito.verify(transport, Mockito.never()).setReadable(true);
        pending.complete(LINUX);
        Mockito.verify(transport).setReadable(true);
        assertThat(SessionFingerprint.fingerprint(session)).contains(LINUX.fingerprint().get());
    }

    /** Without James's Netty channel (a James that moved it) the commands cannot be held: better no lookup than the proxy's. */
    @Test
    void aProxiedSessionWhoseCommandsCannotBeHeldIsNotLookedUp() throws Exception {
        P0fConnectHandler handler = handler();
        ProtocolTransport transport = Mockito.mock(ProtocolTransport.class);
        Mockito.when(transport.isProxyRequired()).thenReturn(true);
        Mockito.when(transport.getRemoteAddress()).thenReturn(new InetSocketAddress("198.51.100.10", 40000));
        Mockito.when(transport.getLocalAddress()).thenReturn(new InetSocketAddress("192.0.2.1", 25));
        SMTPSessionImpl session = new SMTPSessionImpl(transport, Mockito.mock(SMTPConfiguration.class));

        handler.onConnect(session);

        assertThat(client().asked()).isEmpty();
        assertThat(SessionFingerprint.settled(session)).hasValueSatisfying(settled -> assertThat(settled).isDone());
        assertThat(SessionFingerprint.lookup(session)).isEmpty();
        Mockito.verify(transport, Mockito.never()).setReadable(false);
    }

    @Test
    void copiesTheFingerprintOntoEveryMail() throws Exception {
        P0fConnectHandler handler = handler();
        client().answering(LINUX);
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");
        handler.onConnect(session);
        FakeMail first = FakeMail.builder().name("first").build();
        FakeMail second = FakeMail.builder().name("second").build();

        assertThat(handler.onMessage(session, first)).isEqualTo(HookResult.DECLINED);
        handler.onMessage(session, second);

        assertThat(P0fAttributes.osDescription(first)).contains("Linux 3.11 and newer");
        assertThat(P0fAttributes.osDescription(second)).contains("Linux 3.11 and newer");
    }

    @Test
    void aMailWithoutFingerprintGetsNoAttributes() throws Exception {
        P0fConnectHandler handler = handler();
        client().answering(P0fLookup.failed(P0fFailure.Kind.SOCKET_MISSING, "no socket"));
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");
        handler.onConnect(session);
        FakeMail mail = FakeMail.builder().name("m").build();

        handler.onMessage(session, mail);

        assertThat(mail.attributes()).isEmpty();
    }

    @Test
    void aLookupStillPendingReadsAsNoFingerprintWithoutWaiting() throws Exception {
        P0fConnectHandler handler = handler("timeout", "5s");
        client().stalling();
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");
        handler.onConnect(session);
        FakeMail mail = FakeMail.builder().name("m").build();

        long start = System.nanoTime();
        handler.onMessage(session, mail);
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(mail.attributes()).isEmpty();
        assertThat(waitedMillis).as("a hook never waits for p0f").isLessThan(1_000L);
    }

    @Test
    void neverLookUpNetworksAreNotAsked() throws Exception {
        P0fConnectHandler handler = handler("neverLookUp", "192.0.2.0/24");
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");

        handler.onConnect(session);
        FakeMail mail = FakeMail.builder().name("m").build();
        handler.onMessage(session, mail);

        assertThat(client().asked()).isEmpty();
        assertThat(mail.attributes()).isEmpty();
    }

    @Test
    void aBlockedOsIsDeniedAtMailFromWith554() throws Exception {
        P0fConnectHandler handler = handler("blockedOperatingSystems", "Windows XP");
        client().answering(WINDOWS_XP);
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");
        handler.onConnect(session);

        HookResult result = handler.doMail(session, MaybeSender.of(new MailAddress("a@example.test")));

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("554");
        assertThat(result.getSmtpDescription()).startsWith("5.7.1").contains("Windows XP");
        assertThat(metricFactory.countFor("p0f_blocked")).isEqualTo(1);
    }

    @Test
    void relayingAndAuthenticatedSessionsAreExempt() throws Exception {
        P0fConnectHandler handler = handler("blockedOperatingSystems", "Windows XP");
        client().answering(WINDOWS_XP);
        TestSmtpSession relaying = TestSmtpSession.from("192.0.2.10").relaying();
        TestSmtpSession authenticated = TestSmtpSession.from("192.0.2.11").authenticatedAs("me@example.test");
        handler.onConnect(relaying);
        handler.onConnect(authenticated);

        assertThat(handler.doMail(relaying, MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        assertThat(handler.doMail(authenticated, MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void anUnlistedOsOrNoFingerprintIsDeclinedNeverOk() throws Exception {
        P0fConnectHandler handler = handler("blockedOperatingSystems", "/windows/");
        client().answering(LINUX);
        TestSmtpSession linux = TestSmtpSession.from("192.0.2.10");
        handler.onConnect(linux);
        client().answering(P0fLookup.noMatch());
        TestSmtpSession unknown = TestSmtpSession.from("192.0.2.11");
        handler.onConnect(unknown);

        assertThat(handler.doMail(linux, MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        assertThat(handler.doMail(unknown, MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void aLookupFailingExceptionallyReadsAsNoFingerprint() throws Exception {
        P0fConnectHandler handler = handler();
        client().stalling().completeExceptionally(new IllegalStateException("boom"));
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");
        handler.onConnect(session);
        FakeMail mail = FakeMail.builder().name("m").build();

        assertThat(handler.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        assertThat(mail.attributes()).isEmpty();
    }

    @Test
    void anExceptionallyCompletedFutureOnTheSessionReadsAsAFailure() {
        TestSmtpSession session = TestSmtpSession.from("192.0.2.10");
        CompletableFuture<P0fLookup> broken = new CompletableFuture<>();
        broken.completeExceptionally(new IllegalStateException("boom"));
        SessionFingerprint.attach(session, broken);

        assertThat(SessionFingerprint.lookup(session)).hasValueSatisfying(lookup ->
            assertThat(lookup.status()).isEqualTo(P0fLookup.Status.FAILED));
    }

    @Test
    void handlersWithTheSameSettingsShareOneClientClosedByTheLastDestroy() throws Exception {
        P0fConnectHandler port25 = handler();
        P0fConnectHandler port587 = handler();

        assertThat(created).hasSize(1);
        assertThat(clients.statuses()).hasSize(1);
        port25.destroy();
        assertThat(client().isClosed()).isFalse();
        port587.destroy();
        assertThat(client().isClosed()).isTrue();
        assertThat(clients.statuses()).isEmpty();
    }

    @Test
    void differentSettingsGetTheirOwnClient() throws Exception {
        handler();
        handler("timeout", "1s");

        assertThat(created).hasSize(2);
    }
}
