package io.github.jamesp0f.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.testing.EdgeLab;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.ProjectFile;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.RealPostgres;
import io.github.jamesp0f.testing.TunLink;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SmtpTestClient;

/**
 * The README's first command, end to end: contrib/demo/run.sh with non-default ports starts a real
 * p0f and a real James with the packaged jar, runs the tour, prints the transcript, and cleans up;
 * with --keep-running, James outlives p0f and mail keeps flowing; with --source kernel (3.9), the
 * tour runs with no p0f at all.
 */
class DemoRunScriptIT {

    private static final Path RUN_SH = Paths.get("contrib/demo/run.sh").toAbsolutePath();
    /** The demo runs the James line this build tests (run.sh --james). */
    private static final String JAMES_LINE = JamesTestServer.jamesLine();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void theTourRunsRightAfterAPreviousRunAndCleansUp(@TempDir Path dir) throws Exception {
        RealP0f.assumeAvailable();
        RealDns.assumeAvailable();
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/python3")) || Files.isExecutable(Paths.get("/usr/local/bin/python3")),
            "the demo needs python3");
        int smtpPort = FreePorts.next();
        int imapPort = FreePorts.next();
        int webAdminPort = FreePorts.next();
        // What a previous run leaves behind for about a minute: its servers' connections in TIME_WAIT.
        PortInTimeWait.leave(smtpPort);
        PortInTimeWait.leave(imapPort);
        PortInTimeWait.leave(webAdminPort);

        Result run = run(dir, runSh(
            "--smtp-port", Integer.toString(smtpPort),
            "--imap-port", Integer.toString(imapPort),
            "--webadmin-port", Integer.toString(webAdminPort),
            "--syn-port", Integer.toString(FreePorts.next())));

        assertThat(run.output).contains(
            "== 1. A Linux client",
            "ok: accepted",
            "S: 451 4.7.1",
            "ok: accepted on retry",
            "S: 554 5.7.1",
            "ok: accepted at once (exempt from greylisting by its confirmed host name)",
            "ok: the Windows mail server's mail was not delayed",
            "X-P0F-Greylist: delayed ",
            "p0f_greylist_exempted_hostname_total 1.0",
            // contrib/p0f/p0f.fp's labels (the tour checks Linux's against this machine's kernel).
            "X-P0F-Genre: Linux",
            "ok: the Linux mail says Linux",
            "X-P0F-Genre: Windows 10 or 11 (or Server 2016+)",
            "signatures " + ProjectFile.of(RealP0f.SHIPPED_DATABASE),
            "ok: the forged headers were replaced by what p0f saw",
            "GET /p0f/status -> status healthy",
            "p0f_lookups_total",
            "The tour went as expected.",
            "Stopped James and p0f, removed ");
        List<String> pids = assertWentAsExpectedAndCleanedUp(run);
        assertThat(pids).as("p0f's, unbound's and James's pids in the transcript").hasSize(3);
    }

    /**
     * run.sh --behind-proxy: the tour through HAProxy with p0f at the edge (contrib/tools/edge-lab.sh,
     * EdgeDeploymentIT's lab, on the demo's 198.18.96.0/20) and two James nodes sharing PostgreSQL;
     * each session names the node that took it, and everything goes away at the end.
     */
    @Test
    void behindTheProxyTheTourRunsThroughHaproxyToTwoNodesAndCleansUp(@TempDir Path dir) throws Exception {
        EdgeLab.assumeAvailable();
        RealDns.assumeAvailable();
        assumeTrue(RealPostgres.findBinaries().isPresent(), "--behind-proxy needs PostgreSQL (apt-get install postgresql)");
        int imapPort = twoFreePorts();
        int webAdminPort = twoFreePorts();

        Result run = run(dir, runSh("--behind-proxy", "--imap-port", Integer.toString(imapPort),
            "--webadmin-port", Integer.toString(webAdminPort), "--syn-port", Integer.toString(FreePorts.next())));

        assertThat(run.output).contains(
            "HAProxy on 198.18.96.1:25",
            "(HAProxy passed this connection to node 1)",
            "(HAProxy passed this connection to node 2)",
            "S: 451 4.7.1",
            "ok: accepted on retry",
            "S: 554 5.7.1",
            "ok: accepted at once (exempt from greylisting by its confirmed host name)",
            "X-P0F-Distance: 4",
            "ok: the Linux mail says Linux 4.19 and newer",
            "X-P0F-Genre: Windows 10 or 11 (or Server 2016+)",
            "== What James's webadmin says about p0f (node 2)",
            "tcp:198.18.97.1:2999: CONNECTED",
            "The tour went as expected.",
            "Stopped the James nodes, the edge (HAProxy, p0f, its relay; namespaces removed), PostgreSQL and unbound");
        assertWentAsExpectedAndCleanedUp(run);
        // The Windows client's retry was balanced to the node that had not greylisted it.
        Matcher windows = Pattern.compile("198\\.18\\.96\\.77 .*\\n.*passed this connection to (node \\d)")
            .matcher(run.output);
        assertThat(windows.find()).isTrue();
        String first = windows.group(1);
        assertThat(windows.find()).isTrue();
        assertThat(windows.group(1)).as("the retry's node").isNotEqualTo(first);
        Matcher namespaces = Pattern.compile("namespaces (epc\\w+) .* and (epe\\w+);").matcher(run.output);
        assertThat(namespaces.find()).isTrue();
        assertThat(Paths.get("/run/netns", namespaces.group(1))).doesNotExist();
        assertThat(Paths.get("/run/netns", namespaces.group(2))).doesNotExist();
    }

    /** A port free on 127.0.0.1, and the next one too (node 2 of --behind-proxy takes it). */
    private static int twoFreePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = FreePorts.next();
            try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports on 127.0.0.1");
    }

    /** {@code --source kernel}: no p0f at all; James reads the SYN the kernel keeps, crafted clients come over a TUN link. */
    @Test
    void theKernelSourceTourRunsWithoutP0f(@TempDir Path dir) throws Exception {
        assumeTrue(JAMES_LINE.equals("3.9"), "the kernel source needs James 3.9");
        TunLink.assumeAvailable();
        RealDns.assumeAvailable();

        Result run = run(dir, runSh("--source", "kernel",
            "--smtp-port", Integer.toString(FreePorts.next()),
            "--imap-port", Integer.toString(FreePorts.next()),
            "--webadmin-port", Integer.toString(FreePorts.next())));

        assertThat(run.output).contains(
            "No p0f: James reads the SYN the kernel keeps",
            "S: 451 4.7.1",
            "ok: accepted on retry",
            "S: 554 5.7.1",
            "ok: accepted at once (exempt from greylisting by its confirmed host name)",
            "X-P0F-Genre: Windows 10 or 11 (or Server 2016+)",
            "ok: the Linux mail says Linux",
            "ok: the forged headers were replaced by the saved SYN's fingerprint",
            "keeps SYNs",
            "p0f_kernel_lookups_total",
            "The tour went as expected.",
            "Stopped James, removed the TUN link ");
        assertThat(run.output).doesNotContain("UNEXPECTED", "sniffing lo", "p0f_daemon_lookups_total");
        assertThat(run.exitCode).as(run.output).isZero();
        Matcher tun = Pattern.compile("removed the TUN link (\\w+) and").matcher(run.output);
        assertThat(tun.find()).isTrue();
        assertThat(Paths.get("/sys/class/net", tun.group(1))).as("the TUN device removed").doesNotExist();
        List<String> pids = pids(run.output);
        assertThat(pids).as("unbound's and James's pids, no p0f's").hasSize(2);
        assertStopped(pids);
    }

    @Test
    void refusesAPortSomethingListensOn(@TempDir Path dir) throws Exception {
        RealP0f.assumeAvailable();
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result run = run(dir, runSh("--smtp-port", Integer.toString(listening.getLocalPort()),
                "--imap-port", Integer.toString(FreePorts.next()),
                "--webadmin-port", Integer.toString(FreePorts.next())));

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.output.trim()).startsWith("run.sh: port(s) " + listening.getLocalPort() + " already in use")
                .doesNotContain("\n");
        }
    }

    @Test
    void keepRunningOutlivesP0fThenCleansUpOnSigterm(@TempDir Path dir) throws Exception {
        RealP0f.assumeAvailable();
        int smtpPort = FreePorts.next();
        Path log = dir.resolve("run.log");
        Process process = new ProcessBuilder(runSh("--keep-running",
            "--smtp-port", Integer.toString(smtpPort),
            "--imap-port", Integer.toString(FreePorts.next()),
            "--webadmin-port", Integer.toString(FreePorts.next()),
            "--syn-port", Integer.toString(FreePorts.next())))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String ready = awaitOutput(process, log, "Running until Ctrl-C", START_TIMEOUT);
            assertThat(ready).contains("SMTP      127.0.0.1:" + smtpPort, "user demo@localhost   password demo");
            assertThat(sendMail(smtpPort)).as("a mail while p0f runs").isEqualTo(250);

            long p0f = Long.parseLong(pids(ready).get(0));
            ProcessHandle.of(p0f).ifPresent(ProcessHandle::destroyForcibly);
            String gone = awaitOutput(process, log, "Start p0f again", STEP_TIMEOUT);
            assertThat(gone).contains(
                "!! p0f (pid " + p0f + ") is gone: killed by SIGKILL.",
                "James keeps running",
                "ok: accepted and delivered without X-P0F headers",
                "GET /p0f/status -> status degraded",
                "kill -USR1 " + process.pid());
            assertThat(gone).doesNotContain("UNEXPECTED");
            assertThat(process.isAlive()).isTrue();
            assertThat(sendMail(smtpPort)).as("a mail after p0f died").isEqualTo(250);

            new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).start().waitFor();
            String restarted = awaitOutput(process, log, "p0f started again (pid ", STEP_TIMEOUT);
            Matcher again = Pattern.compile("p0f started again \\(pid (\\d+)\\)").matcher(restarted);
            assertThat(again.find()).isTrue();
            assertThat(Paths.get("/proc", again.group(1))).as("the new p0f runs").exists();

            process.destroy(); // SIGTERM, as a service manager would
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(output).contains("Stopped James and p0f, removed ");
        assertStopped(pids(output));
    }

    @Test
    void withoutRootItSaysSoInOneLine(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")), "needs setpriv to run as nobody");
        RealP0f.assumeAvailable();

        List<String> asNobody = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        asNobody.addAll(runSh("--smtp-port", "2526"));
        Result run = run(dir, asNobody);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.output.trim()).startsWith("run.sh: needs root:").contains("sudo").doesNotContain("\n");
    }

    /** The tour's verdict and exit status, its folder removed, every process it named stopped: their pids. */
    private static List<String> assertWentAsExpectedAndCleanedUp(Result run) throws InterruptedException {
        assertThat(run.output).doesNotContain("UNEXPECTED");
        assertThat(run.exitCode).as(run.output).isZero();
        Matcher work = Pattern.compile("removed (/tmp/james-p0f-demo\\.\\w+)\\.").matcher(run.output);
        assertThat(work.find()).isTrue();
        assertThat(Paths.get(work.group(1))).doesNotExist();
        List<String> pids = pids(run.output);
        assertStopped(pids);
        return pids;
    }

    /** Every pid the transcript names, in order of appearance: p0f's first. */
    private static List<String> pids(String output) {
        List<String> pids = new ArrayList<>();
        Matcher m = Pattern.compile("\\(pid (\\d+)\\)").matcher(output);
        while (m.find()) {
            if (!pids.contains(m.group(1))) {
                pids.add(m.group(1));
            }
        }
        return pids;
    }

    /**
     * Each process has ended: gone, or a zombie waiting for its parent. The daemons that detach
     * (PostgreSQL, and the edge's p0f, relay and HAProxy once edge-lab.sh has returned) are reaped
     * by PID 1, which may take a moment on a busy machine.
     */
    private static void assertStopped(List<String> pids) throws InterruptedException {
        for (String pid : pids) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(running(pid)).as("process %s still running: %s", pid, stat(pid)).isFalse();
        }
    }

    private static boolean running(String pid) {
        String stat = stat(pid);
        // The state follows the command name, which is in parentheses.
        return !stat.isEmpty() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    }

    private static String stat(String pid) {
        try {
            return Files.readString(Paths.get("/proc", pid, "stat"));
        } catch (IOException gone) {
            return "";
        }
    }

    /** Waits until the script's output contains {@code text}; fails if the script ends first. */
    private static String awaitOutput(Process process, Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String output = Files.readString(log);
            if (output.contains(text)) {
                return output;
            }
            assertThat(process.isAlive()).as("run.sh still running, waiting for '%s':%n%s", text, output).isTrue();
            assertThat(System.nanoTime() < deadline).as("'%s' within %s:%n%s", text, timeout, output).isTrue();
            Thread.sleep(200);
        }
    }

    private static int sendMail(int smtpPort) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (SmtpTestClient smtp = SmtpTestClient.connect(loopback, smtpPort, loopback)) {
            return smtp.sendMail("someone@example.org", "demo@localhost",
                "From: someone@example.org\r\nTo: demo@localhost\r\nSubject: from the test\r\n\r\nHello.\r\n");
        }
    }

    private static List<String> runSh(String... options) {
        List<String> command = new ArrayList<>(List.of(RUN_SH.toString(), "--james", JAMES_LINE));
        command.addAll(List.of(options));
        return command;
    }

    private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve("run.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("run.sh did not finish within 5 minutes:\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
