package io.github.jamesp0f.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.james.JamesTestServer;

/**
 * The README's first command, end to end: contrib/demo/run.sh with non-default ports starts a real
 * p0f and a real James with the packaged jar, runs the tour, prints the transcript, and cleans up.
 */
class DemoRunScriptIT {

    private static final Path RUN_SH = Paths.get("contrib/demo/run.sh").toAbsolutePath();

    @Test
    void theTourRunsAndCleansUp(@TempDir Path dir) throws Exception {
        RealP0f.assumeAvailable();
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/python3")) || Files.isExecutable(Paths.get("/usr/local/bin/python3")),
            "the demo needs python3");

        Result run = run(dir, RUN_SH.toString(),
            "--smtp-port", Integer.toString(JamesTestServer.freePort()),
            "--imap-port", Integer.toString(JamesTestServer.freePort()),
            "--webadmin-port", Integer.toString(JamesTestServer.freePort()),
            "--syn-port", Integer.toString(RealP0f.freePort()));

        assertThat(run.output).contains(
            "== 1. A Linux client",
            "ok: accepted",
            "S: 451 4.7.1",
            "ok: accepted on retry",
            "S: 554 5.7.1",
            "X-P0F-Genre: Linux",
            "X-P0F-Genre: Windows 7 or 8",
            "ok: the forged headers were replaced by what p0f saw",
            "GET /p0f/status -> status healthy",
            "p0f_lookups_total",
            "The tour went as expected.",
            "Stopped James and p0f, removed ");
        assertThat(run.output).doesNotContain("UNEXPECTED");
        assertThat(run.exitCode).as(run.output).isZero();

        Matcher work = Pattern.compile("removed (/tmp/james-p0f-demo\\.\\w+)\\.").matcher(run.output);
        assertThat(work.find()).isTrue();
        assertThat(Paths.get(work.group(1))).doesNotExist();
        for (String pid : pids(run.output)) {
            assertThat(Paths.get("/proc", pid)).as("process %s stopped", pid).doesNotExist();
        }
    }

    @Test
    void keepRunningWaitsForSigtermThenCleansUp(@TempDir Path dir) throws Exception {
        RealP0f.assumeAvailable();
        int smtpPort = JamesTestServer.freePort();
        Path log = dir.resolve("run.log");
        Process process = new ProcessBuilder(RUN_SH.toString(), "--keep-running",
            "--smtp-port", Integer.toString(smtpPort),
            "--imap-port", Integer.toString(JamesTestServer.freePort()),
            "--webadmin-port", Integer.toString(JamesTestServer.freePort()),
            "--syn-port", Integer.toString(RealP0f.freePort()))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!Files.readString(log).contains("Running until Ctrl-C")) {
                assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime() < deadline).as("ready within 4 minutes: " + Files.readString(log)).isTrue();
                Thread.sleep(200);
            }
            String ready = Files.readString(log);
            assertThat(ready).contains("SMTP      127.0.0.1:" + smtpPort, "user demo@localhost   password demo");
            try (Socket smtp = new Socket("127.0.0.1", smtpPort)) {
                assertThat(new String(smtp.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("220");
            }

            process.destroy(); // SIGTERM, as a service manager would
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(output).contains("Stopped James and p0f, removed ");
        for (String pid : pids(output)) {
            assertThat(Paths.get("/proc", pid)).as("process %s stopped", pid).doesNotExist();
        }
    }

    @Test
    void withoutRootItSaysSoInOneLine(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")), "needs setpriv to run as nobody");
        RealP0f.assumeAvailable();

        Result run = run(dir, "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            RUN_SH.toString(), "--smtp-port", "2526");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.output.trim()).startsWith("run.sh: needs root:").contains("sudo").doesNotContain("\n");
    }

    private static List<String> pids(String output) {
        List<String> pids = new ArrayList<>();
        Matcher m = Pattern.compile("\\(pid (\\d+)\\)").matcher(output);
        while (m.find()) {
            pids.add(m.group(1));
        }
        assertThat(pids).as("p0f's and James's pids in the transcript").hasSize(2);
        return pids;
    }

    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
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
