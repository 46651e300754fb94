package io.github.jamesp0f.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real-p0f harness every engineer's tests stand on: does p0f see what the tests will assume? */
class RealP0fHarnessTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final RealP0f P0F = RealP0f.builder().build();

    @Test
    void realConnectionFromLoopbackIsLinux() throws Exception {
        InetAddress client = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = listenOnWatchedPort()) {
            P0F.connectFrom(client);
        }

        RawP0fQuery.Answer answer = CraftedSyn.awaitOsKnown(P0F.socketPath(), client, WAIT);

        assertThat(answer.osName()).isEqualTo("Linux");
        assertThat(answer.distance()).isZero();
    }

    @Test
    void craftedWindowsSynIsWindows7Or8() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.77");

        RawP0fQuery.Answer answer = CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.WINDOWS_7, source);

        assertThat(answer.osName()).isEqualTo("Windows");
        assertThat(answer.osFlavor()).isEqualTo("7 or 8");
        assertThat(answer.distance()).isZero();
    }

    @Test
    void lowerTtlIsReportedAsDistance() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.78");

        RawP0fQuery.Answer answer = CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.WINDOWS_7, source, 113);

        assertThat(answer.osName()).isEqualTo("Windows");
        assertThat(answer.distance()).isEqualTo(15);
    }

    @ParameterizedTest
    @EnumSource(CraftedSyn.Profile.class)
    void everyProfileIsRecognised(CraftedSyn.Profile profile) throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0." + (100 + profile.ordinal()));

        RawP0fQuery.Answer answer = CraftedSyn.sendAndAwait(P0F, profile, source);

        assertThat(answer.osName()).isEqualTo(profile.osName());
        assertThat(answer.osFlavor()).isEqualTo(profile.osFlavor());
    }

    @Test
    void craftedFingerprintSurvivesRealConnectionsFromTheSameAddress() throws Exception {
        InetAddress crafted = InetAddress.getByName("127.0.0.79");
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.FREEBSD, crafted);
        InetAddress plain = InetAddress.getByName("127.0.0.20");

        try (ServerSocket server = listenOnWatchedPort()) {
            P0F.connectFrom(crafted);
            P0F.connectFrom(plain);
        }

        // The plain address is outside 127.0.0.64/26, so p0f saw its real (Linux) SYN; once p0f has
        // processed that, it has long processed the earlier one from the crafted address.
        assertThat(CraftedSyn.awaitOsKnown(P0F.socketPath(), plain, WAIT).osName()).isEqualTo("Linux");
        assertThat(RawP0fQuery.ask(P0F.socketPath(), crafted, WAIT).osName()).isEqualTo("FreeBSD");
    }

    @Test
    void ipv6ConnectionsToTheWatchedPortAreSeen() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(ipv6Loopback, P0F.watchedPort()));
            P0F.connectFrom(ipv6Loopback);
        }

        // p0f has no signature for Linux's IPv6 loopback SYN (it carries a flow label): it knows the
        // host but names no OS.
        assertThat(CraftedSyn.awaitOk(P0F.socketPath(), ipv6Loopback, WAIT).isOk()).isTrue();
    }

    @Test
    void unknownAddressIsNoMatch() throws Exception {
        RawP0fQuery.Answer answer = RawP0fQuery.ask(P0F.socketPath(), InetAddress.getByName("127.0.0.250"), WAIT);

        assertThat(answer.isP0f()).isTrue();
        assertThat(answer.status()).isEqualTo(P0fWire.V3_STATUS_NOMATCH);
    }

    @Test
    void stalledP0fAcceptsButDoesNotAnswerUntilResumed() throws Exception {
        P0F.stall();
        try (RawP0fQuery query = RawP0fQuery.connect(P0F.socketPath())) {
            query.send(InetAddress.getLoopbackAddress());
            assertThatThrownBy(() -> query.receive(Duration.ofMillis(300))).isInstanceOf(SocketTimeoutException.class);

            P0F.resume();

            assertThat(query.receive(WAIT).isP0f()).isTrue();
        }
        assertThat(P0F.isAlive()).isTrue();
    }

    @Test
    void closeStopsP0fAndDeletesItsFiles() throws Exception {
        Path socket;
        long pid;
        try (RealP0f own = RealP0f.builder().start()) {
            socket = own.socketPath();
            pid = own.pid();
            own.stall();
            assertThat(Files.exists(socket)).isTrue();
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(socket.getParent()).doesNotExist();
    }

    @Test
    void daemonModeFingerprintsStallsAndStopsTheForkedP0f() throws Exception {
        Path socket;
        long pid;
        try (RealP0f own = RealP0f.builder().daemon().start(); ServerSocket server = new ServerSocket()) {
            socket = own.socketPath();
            pid = own.pid();
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), own.watchedPort()));
            own.connectFrom(InetAddress.getByName("127.0.0.9"));

            assertThat(CraftedSyn.awaitOsKnown(socket, InetAddress.getByName("127.0.0.9"), WAIT).osName()).isEqualTo("Linux");
            assertThat(ProcessHandle.of(pid).flatMap(handle -> handle.parent()).map(ProcessHandle::pid))
                .as("p0f -d forked away from the JVM").isNotEqualTo(Optional.of(ProcessHandle.current().pid()));
            own.stall();
            try (RawP0fQuery query = RawP0fQuery.connect(socket)) {
                query.send(InetAddress.getLoopbackAddress());
                assertThatThrownBy(() -> query.receive(Duration.ofMillis(300))).isInstanceOf(SocketTimeoutException.class);
                own.resume();
                assertThat(query.receive(WAIT).isP0f()).isTrue();
            }
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(socket.getParent()).doesNotExist();
    }

    @Test
    void filterWatchesEveryPortExceptFromCraftedSourcesAndEverySynToTheCraftedPort() {
        assertThat(RealP0f.filter(java.util.List.of(2525, 2587), 2599)).isEqualTo(
            "((tcp dst port 2525 or tcp dst port 2587) and not src net 127.0.0.64/26) or tcp dst port 2599");
    }

    private static ServerSocket listenOnWatchedPort() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), P0F.watchedPort()));
        return server;
    }
}
