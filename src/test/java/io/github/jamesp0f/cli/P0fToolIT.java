package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import io.github.jamesp0f.testing.BlackHole;
import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.P0fRelay;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.StaleSocket;

/** The packaged jar's tool against a real p0f sniffing loopback, run the way administrators run it. */
class P0fToolIT {

    @RegisterExtension
    static final RealP0f P0F = RealP0f.builder().build();

    @TempDir
    Path dir;

    @Test
    void queryNamesTheOsOfACraftedWindowsHost() throws Exception {
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName("127.0.0.77"), 113);

        JarRun run = JarRun.of("query", "--socket", P0F.socketPath().toString(), "127.0.0.77");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("127.0.0.77: Windows 7 or 8" + System.lineSeparator())
            .contains("  distance     15").contains("  link_type    Ethernet or modem");
        assertThat(run.err).as("nothing on stderr: no library warnings").isEmpty();
    }

    @Test
    void queryJsonIsOneObjectKeyedByV3Names() throws Exception {
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.MACOS, InetAddress.getByName("127.0.0.78"));

        JarRun run = JarRun.of("query", "--json", "--socket", P0F.socketPath().toString(), "127.0.0.78");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("{\"first_seen\":").endsWith("}" + System.lineSeparator())
            .contains("\"os_name\":\"MacOS X\"")
            .contains("\"os_flavor\":\"10.9 or newer (sometimes iPhone \"")
            .contains("\"distance\":0,")
            .contains("\"uptime_min\":null");
        assertThat(run.out.trim()).doesNotContain("\n");
        assertThat(run.err).isEmpty();
    }

    @Test
    void queryOfAnIpv4MappedAddressAsksAsIpv4() throws Exception {
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.FREEBSD, InetAddress.getByName("127.0.0.79"));

        JarRun run = JarRun.of("query", "--socket", P0F.socketPath().toString(), "::ffff:127.0.0.79");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("127.0.0.79: FreeBSD 9.x or newer");
    }

    @Test
    void queryOfAnUnknownHostIsNoMatch() {
        JarRun run = JarRun.of("query", "--socket", P0F.socketPath().toString(), "127.0.0.252");

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        assertThat(run.out).isEmpty();
        assertThat(run.err).isEqualTo("james-p0f: p0f has no match for 127.0.0.252 (it has seen no SYN from it, "
            + "or has forgotten it)" + System.lineSeparator());
    }

    @Test
    void checkSaysP0fAnswers() {
        JarRun run = JarRun.of("check", "--socket", P0F.socketPath().toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("p0f answers at unix:" + P0F.socketPath() + " (p0f v3 API, ");
        assertThat(run.err).isEmpty();
    }

    @Test
    void checkOfAStalledP0fSaysNoAnswerAndLeavesP0fAlive() throws Exception {
        P0F.stall();
        JarRun run;
        try {
            run = JarRun.of("check", "--socket", P0F.socketPath().toString(), "--timeout", "300");
        } finally {
            P0F.resume();
        }

        assertThat(run.exitCode).as(run.toString()).isEqualTo(3);
        assertThat(run.err).startsWith("james-p0f: no answer from unix:" + P0F.socketPath() + " within 300 ms: p0f is "
            + "stalled or all its API slots are taken");
        assertThat(run.err.trim()).doesNotContain("\n");
        // The tool gave up on a query p0f had not accepted yet: p0f must survive answering it.
        Thread.sleep(300);
        assertThat(P0F.isAlive()).as("p0f alive after answering a client that had gone").isTrue();
        assertThat(JarRun.of("check", "--socket", P0F.socketPath().toString()).exitCode).isZero();
    }

    @Test
    void checkOfAStaleSocketSaysConnectionRefused() throws Exception {
        Path stale = StaleSocket.at(dir.resolve("p0f.sock"));

        JarRun run = JarRun.of("check", "--socket", stale.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(3);
        assertThat(run.err).startsWith("james-p0f: connection refused at " + stale + ": a stale socket");
    }

    @Test
    void checkAsAnotherUserSaysPermissionDenied() throws Exception {
        RealP0f.assumeAvailable();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path closedSocket = dir.resolve("p0f.sock");
        Path hiddenDir = Files.createDirectory(dir.resolve("private"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path hiddenSocket = hiddenDir.resolve("p0f.sock");
        Path readableJar = Files.copy(JarRun.jar(), dir.resolve("james-p0f.jar"));
        Files.setPosixFilePermissions(readableJar, PosixFilePermissions.fromString("rw-r--r--"));
        try (AFUNIXServerSocket open = AFUNIXServerSocket.newInstance();
             AFUNIXServerSocket hidden = AFUNIXServerSocket.newInstance()) {
            open.bind(AFUNIXSocketAddress.of(closedSocket));
            Files.setPosixFilePermissions(closedSocket, PosixFilePermissions.fromString("rw-------"));
            hidden.bind(AFUNIXSocketAddress.of(hiddenSocket));
            List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(),
                "needs setpriv (util-linux) to run the tool as another user");

            JarRun socketDenied = JarRun.as(asNobody, readableJar, "check", "--socket",
                closedSocket.toString());
            JarRun directoryDenied = JarRun.as(asNobody, readableJar, "check", "--socket",
                hiddenSocket.toString());

            assertThat(socketDenied.exitCode).as(socketDenied.toString()).isEqualTo(3);
            assertThat(socketDenied.err).startsWith("james-p0f: permission denied on " + closedSocket);
            assertThat(directoryDenied.exitCode).as(directoryDenied.toString()).isEqualTo(3);
            assertThat(directoryDenied.err).startsWith("james-p0f: permission denied: this user cannot reach "
                + hiddenSocket);
        }
    }

    @Test
    void benchPrintsItsFiguresAsTheLastLine() {
        JarRun run = JarRun.of("bench", "--socket", P0F.socketPath().toString(), "--address", "127.0.0.1",
            "--lookups", "2000", "--warmup", "500", "--concurrency", "4");

        assertThat(run.exitCode).as(run.toString()).isZero();
        String[] lines = run.out.split(System.lineSeparator());
        assertThat(lines[lines.length - 1]).matches("lookups/s: \\d+ p50_us: \\d+\\.\\d p99_us: \\d+\\.\\d");
        assertThat(run.out).contains("answers: ").contains(" 0 failed");
        assertThat(run.err).isEmpty();
    }

    @Test
    void asyncBenchAnswersEveryLookupThroughCallbackChains() {
        JarRun run = JarRun.of("bench", "--socket", P0F.socketPath().toString(), "--address", "127.0.0.1",
            "--lookups", "3000", "--warmup", "500", "--concurrency", "16", "--async");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("16 callback chains");
        java.util.regex.Matcher answers = java.util.regex.Pattern
            .compile("answers: (\\d+) match, (\\d+) no match, 0 failed").matcher(run.out);
        assertThat(answers.find()).as(run.out).isTrue();
        assertThat(Integer.parseInt(answers.group(1)) + Integer.parseInt(answers.group(2))).isEqualTo(3000);
        String[] lines = run.out.split(System.lineSeparator());
        assertThat(lines[lines.length - 1]).matches("lookups/s: \\d+ p50_us: \\d+\\.\\d p99_us: \\d+\\.\\d");
    }

    @Test
    void checkQueryAndBenchOverTcpThroughTheRelayThatContribShips() throws Exception {
        CraftedSyn.sendAndAwait(P0F, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName("127.0.0.77"), 113);
        try (P0fRelay relay = P0fRelay.to(P0F.socketPath())) {
            String address = relay.listenAddress();

            JarRun check = JarRun.of("check", "--p0f-address", address);
            JarRun query = JarRun.of("query", "--p0f-address", address, "127.0.0.77");
            JarRun bench = JarRun.of("bench", "--p0f-address", address, "--address", "127.0.0.77",
                "--lookups", "2000", "--warmup", "500", "--concurrency", "4");

            assertThat(check.exitCode).as(check.toString()).isZero();
            assertThat(check.out).startsWith("p0f answers at tcp:" + address + " (p0f v3 API, ");
            assertThat(query.exitCode).as(query.toString()).isZero();
            assertThat(query.out).startsWith("127.0.0.77: Windows 7 or 8" + System.lineSeparator());
            assertThat(bench.exitCode).as(bench.toString()).isZero();
            assertThat(bench.out).contains("bench: p0f v3 at tcp:" + address + ", 127.0.0.77 (known to p0f)")
                .contains("answers: 2000 match, 0 no match, 0 failed");
            String[] lines = bench.out.split(System.lineSeparator());
            assertThat(lines[lines.length - 1]).matches("lookups/s: \\d+ p50_us: \\d+\\.\\d p99_us: \\d+\\.\\d");
            assertThat(check.err + query.err + bench.err).isEmpty();
        }
        assertThat(P0F.isAlive()).as("p0f alive; its log:\n" + P0F.log()).isTrue();
    }

    @Test
    void checkOverTcpSaysWhatIsWrongWithTheAddress() throws Exception {
        String nobody = "127.0.0.1:" + FreePorts.next();
        JarRun refused = JarRun.of("check", "--p0f-address", nobody);
        JarRun noP0fBehind;
        try (P0fRelay relay = P0fRelay.to(dir.resolve("no-p0f.sock"))) {
            noP0fBehind = JarRun.of("check", "--p0f-address", relay.listenAddress());
        }

        assertThat(refused.exitCode).as(refused.toString()).isEqualTo(3);
        assertThat(refused.err).startsWith("james-p0f: connection refused at tcp:" + nobody + ": nothing listens there");
        assertThat(noP0fBehind.exitCode).as(noP0fBehind.toString()).isEqualTo(3);
        assertThat(noP0fBehind.err).contains("broke without an answer: the relay stopped, or could not reach p0f's "
            + "socket on its host");
    }

    @Test
    void checkOfABlackHoledAddressGivesUpWithinTheTimeout() throws Exception {
        try (BlackHole hole = BlackHole.create()) {
            String silent = hole.silentAddress().getHostAddress() + ":2999";
            long start = System.nanoTime();
            JarRun run = JarRun.of("check", "--p0f-address", silent, "--timeout", "300ms");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(run.exitCode).as(run.toString()).isEqualTo(3);
            assertThat(run.err).isEqualTo("james-p0f: connect to tcp:" + silent + " timed out after 300 ms: no reply "
                + "at all (the host is down, or a firewall drops the packets, such as a relay socket's IPAddressAllow= "
                + "that leaves this host out)" + System.lineSeparator());
            // A JVM's start and 300 ms; the kernel alone would give up on ARP after 3 s ("No route to
            // host"), or after two minutes of SYN retries where a firewall drops them.
            assertThat(tookMillis).isLessThan(15_000);
        }
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        JarRun run = JarRun.of("query", "--socket", P0F.socketPath().toString(), "mail.example.com");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("james-p0f: ADDRESS \"mail.example.com\" is not an IP address");
        assertThat(run.err.trim()).doesNotContain("\n");
    }
}
