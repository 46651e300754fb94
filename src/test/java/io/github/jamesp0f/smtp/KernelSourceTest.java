package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.utils.TestMessageHook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.testing.CraftedSmtp;
import io.github.jamesp0f.testing.CraftedSyn.Profile;
import io.github.jamesp0f.testing.ProxyHeader;
import io.github.jamesp0f.testing.TunLink;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.RawSmtpClient;
import io.github.jamesp0f.testing.james.SmtpProtocolStack;

/**
 * The kernel source in James's own SMTP stack on Netty's epoll transport (James 3.9's
 * {@code <useEpoll>}), listening on a {@link TunLink}: crafted SYNs from other systems and this
 * machine's own connections are fingerprinted from the SYN the kernel saved, with no p0f at all;
 * the first connection, accepted before the kernel was asked to keep SYNs, is counted and gets the
 * fallback; NIO and PROXY servers fall back to the daemon, or to nothing.
 */
class KernelSourceTest {

    static final String WINDOWS = "Windows 10 or 11 (or Server 2016+)";
    static final String[] KERNEL_ONLY_NO_DAEMON = {"source", "kernel", "socketPath", "", "timeout", ""};

    static TunLink link;

    final CommandHoldTest.RecordingHook hook = new CommandHoldTest.RecordingHook();
    final List<FakeP0fClient> daemons = new ArrayList<>();
    RecordingMetricFactory metricFactory;
    P0fClients clients;
    SmtpProtocolStack stack;

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

    @BeforeEach
    void setUp() {
        metricFactory = new RecordingMetricFactory();
        clients = new P0fClients(new P0fMetrics(metricFactory), (config, listener) -> {
            FakeP0fClient client = new FakeP0fClient(config).answering(P0fConnectHandlerTest.LINUX);
            daemons.add(client);
            return client;
        });
    }

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A stack on the link, of the James 3.9 line (3.8 has no epoll, and refuses the kernel source). */
    void start(boolean epoll, boolean proxyRequired, String... elements) throws Exception {
        Assumptions.assumeTrue(JamesTestServer.jamesLine().equals("3.9"), "the kernel source needs James 3.9");
        List<String> withBlocklist = new ArrayList<>(List.of("blockedOperatingSystems", "FreeBSD"));
        withBlocklist.addAll(List.of(elements));
        stack = SmtpProtocolStack.start(proxyRequired, server(), epoll, hook,
            P0fConnectHandlerTest.handler(clients, metricFactory, withBlocklist.toArray(new String[0])),
            new TestMessageHook());
    }

    @Test
    void withoutAnyP0fEachClientIsKnownByTheSynTheKernelSavedFromTheSecondConnectionOn() throws Exception {
        start(true, false, KERNEL_ONLY_NO_DAEMON);

        mailFromThisMachine();
        CraftedSmtp.Transcript windows = CraftedSmtp.send(link, Profile.WINDOWS_10, client(77), stack.port());
        CraftedSmtp.Transcript freebsd = CraftedSmtp.send(link, Profile.FREEBSD, client(78), stack.port());
        mailFromThisMachine();

        assertThat(windows.completed()).as(windows.toString()).isTrue();
        assertThat(freebsd.replyTo("MAIL")).as(freebsd.toString()).isEqualTo(554);
        assertThat(mailCommands()).containsExactly(
            "MAIL none from " + server().getHostAddress(),
            "MAIL " + WINDOWS + " from " + client(77).getHostAddress(),
            "MAIL FreeBSD 9.x or newer from " + client(78).getHostAddress(),
            "MAIL Linux 4.19 and newer (loopback) from " + server().getHostAddress());
        assertThat(daemons).isEmpty();
        assertThat(metricFactory.countFor("p0f_kernel_no_syn")).as("the first connection").isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_kernel_lookups")).isEqualTo(3);
        assertThat(metricFactory.countFor("p0f_matches")).isEqualTo(3);
        assertThat(metricFactory.countFor("p0f_blocked")).isEqualTo(1);
    }

    @Test
    void autoAsksTheDaemonOnlyWhereTheKernelSavedNoSyn() throws Exception {
        start(true, false, "source", "auto");

        mailFromThisMachine();
        CraftedSmtp.Transcript windows = CraftedSmtp.send(link, Profile.WINDOWS_10, client(79), stack.port());

        assertThat(windows.completed()).as(windows.toString()).isTrue();
        assertThat(mailCommands()).containsExactly(
            "MAIL Linux 3.11 and newer from " + server().getHostAddress(),
            "MAIL " + WINDOWS + " from " + client(79).getHostAddress());
        assertThat(daemons.get(0).asked()).hasSize(1);
        assertThat(metricFactory.countFor("p0f_kernel_lookups")).isEqualTo(1);
        assertThat(metricFactory.countFor("p0f_kernel_no_syn")).isEqualTo(1);
    }

    @Test
    void onNioTheKernelSourceFallsBackToTheDaemon() throws Exception {
        start(false, false, "source", "kernel");

        mailFromThisMachine();
        CraftedSmtp.Transcript windows = CraftedSmtp.send(link, Profile.WINDOWS_10, client(80), stack.port());

        assertThat(windows.completed()).as(windows.toString()).isTrue();
        assertThat(mailCommands()).containsExactly(
            "MAIL Linux 3.11 and newer from " + server().getHostAddress(),
            "MAIL Linux 3.11 and newer from " + client(80).getHostAddress());
        assertThat(metricFactory.countFor("p0f_kernel_lookups")).isZero();
        assertThat(metricFactory.countFor("p0f_kernel_no_syn")).isZero();
    }

    @Test
    void onNioWithoutADaemonNobodyIsFingerprinted() throws Exception {
        start(false, false, KERNEL_ONLY_NO_DAEMON);

        mailFromThisMachine();
        mailFromThisMachine();

        assertThat(mailCommands()).containsOnly("MAIL none from " + server().getHostAddress());
        assertThat(metricFactory.countFor("p0f_lookups")).isZero();
    }

    @Test
    void behindTheProxyTheSavedSynIsTheBalancersSoTheDaemonIsAskedForTheAnnouncedClient() throws Exception {
        start(true, true, "source", "kernel");

        for (int session = 0; session < 2; session++) {
            try (RawSmtpClient client = stack.connect(server().getHostAddress())) {
                client.send(ProxyHeader.v1("198.51.100.7", 40001 + session, server().getHostAddress(), stack.port()),
                    "EHLO pc.example\r\nMAIL FROM:<a@pc.example>\r\n");
                assertThat(client.replyCodes(3)).containsExactly(220, 250, 250);
            }
        }

        assertThat(mailCommands()).containsOnly("MAIL Linux 3.11 and newer from 198.51.100.7");
        assertThat(daemons.get(0).asked()).hasSize(2);
        assertThat(metricFactory.countFor("p0f_kernel_lookups") + metricFactory.countFor("p0f_kernel_no_syn")).isZero();
    }

    @Test
    void jamesWithoutTheEpollTransportRefusesTheKernelSourceAndAutoWithoutADaemon() throws Exception {
        Assumptions.assumeTrue(JamesTestServer.jamesLine().equals("3.8"), "James 3.8 has no epoll transport");

        assertThatThrownBy(() -> P0fConnectHandlerTest.handler(clients, metricFactory, KERNEL_ONLY_NO_DAEMON))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("<source>kernel needs James 3.9 or later with <useEpoll>true</useEpoll>");
        assertThatThrownBy(() -> P0fConnectHandlerTest.handler(clients, metricFactory, "source", "auto",
            "socketPath", "", "timeout", ""))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("<source>auto needs James 3.9");
        P0fConnectHandlerTest.handler(clients, metricFactory, "source", "auto");
        assertThat(daemons).as("auto with a daemon: the daemon answers").hasSize(1);
    }

    private void mailFromThisMachine() {
        try (RawSmtpClient client = stack.connect(server().getHostAddress())) {
            client.send("EHLO server.example\r\nMAIL FROM:<a@server.example>\r\nQUIT\r\n");
            assertThat(client.replyCodes(4)).containsExactly(220, 250, 250, 221);
        }
    }

    private List<String> mailCommands() throws InterruptedException {
        return hook.seen.stream().filter(seen -> seen.startsWith("MAIL")).collect(Collectors.toList());
    }

    private static InetAddress server() {
        return link.serverAddress(false);
    }

    private static InetAddress client(int host) {
        return link.clientAddress(host, false);
    }
}
