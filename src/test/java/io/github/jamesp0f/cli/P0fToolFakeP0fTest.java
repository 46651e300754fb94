package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.P0fWire;

/**
 * The tool against a p0f stand-in, for what a real p0f does not do on demand: answer garbage,
 * hang up, never answer, or not accept (all API slots taken). Each gets exit 3 and one line in
 * plain words, within the timeout.
 */
class P0fToolFakeP0fTest {

    private static final Fingerprint ODD_STRINGS = Fingerprint.builder(3).firstSeen(1_700_000_000)
        .lastSeen(1_700_000_000).totalConnections(3).distance(7).osName("Quote\"d").osFlavor("back\\slash")
        .linkType("tab\there").build();

    private FakeP0fServer fake;

    @BeforeEach
    void start() throws Exception {
        fake = FakeP0fServer.start();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void checkOfAWorkingP0f() {
        fake.answeringNoMatch();

        ToolRun run = check();

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("p0f answers at unix:" + fake.socketPath());
    }

    @Test
    void checkNotesASocketInAWorldWritableDirectory(@TempDir Path dir) throws Exception {
        fake.answeringNoMatch();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(dir.resolve("p0f.sock"), fake.socketPath());

        ToolRun run = ToolRun.of("check", "--socket", link.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("p0f answers at unix:" + link);
        assertThat(run.err).isEqualTo("james-p0f: note: " + dir + " is world-writable and not sticky; p0f's README "
            + "advises a directory such as /run/p0f that only p0f and the mail server's group can write"
            + System.lineSeparator());
    }

    @Test
    void checkOfSomethingAnsweringGarbage() {
        fake.garbage();

        ToolRun run = check();

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).startsWith("james-p0f: not a p0f socket: unix:" + fake.socketPath());
        assertOneLine(run);
    }

    @Test
    void checkOfAHalfAnswerIsNoAnswerInTime() {
        fake.answeringNoMatch().partially();

        ToolRun run = checkTimingOut();

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).startsWith("james-p0f: no answer from unix:" + fake.socketPath() + " within 300 ms");
    }

    @Test
    void checkOfSomethingThatHangsUp() {
        fake.closingImmediately();

        ToolRun run = check();

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).startsWith("james-p0f: the connection to unix:" + fake.socketPath() + " broke without an "
            + "answer: not a p0f socket, or p0f died");
        assertOneLine(run);
    }

    @Test
    void checkOfAP0fThatNeverAnswers() {
        fake.neverAnswering();

        long started = System.nanoTime();
        ToolRun run = checkTimingOut();

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).startsWith("james-p0f: no answer from unix:" + fake.socketPath() + " within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertOneLine(run);
    }

    @Test
    void timeoutsTakeAUnitLikeTheXml() {
        fake.neverAnswering();

        ToolRun run = ToolRun.of("query", "--socket", fake.socketPath().toString(), "192.0.2.1", "--timeout", "250ms");

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).startsWith("james-p0f: no answer from unix:" + fake.socketPath() + " within 250 ms");
        fake.answeringNoMatch();
        assertThat(ToolRun.of("check", "--socket", fake.socketPath().toString(), "--timeout", "1s").exitCode).isZero();
    }

    @Test
    void checkOfAP0fWithAllSlotsTaken() {
        fake.notAccepting();

        ToolRun run = checkTimingOut();

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).contains("p0f is stalled or all its API slots are taken");
    }

    @Test
    void queryOfABadQueryAnswer() {
        fake.answeringBadQuery();

        ToolRun run = ToolRun.of("query", "--socket", fake.socketPath().toString(), "192.0.2.1");

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).startsWith("james-p0f: p0f refused the query as malformed (BADQUERY)");
    }

    @Test
    void queryJsonEscapesStringsEndToEnd() {
        fake.answering(ODD_STRINGS);

        ToolRun run = ToolRun.of("query", "--json", "--socket", fake.socketPath().toString(), "2001:db8::25");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("\"os_name\":\"Quote\\\"d\",\"os_flavor\":\"back\\\\slash\"")
            .contains("\"link_type\":\"tab\\there\"").contains("\"distance\":7,");
        assertThat(fake.queries()).hasSize(1);
        assertThat(fake.queries().get(0).v3AddressType()).isEqualTo(6);
    }

    @Test
    void queryVersion2AsksAboutTheWholeConnection() throws Exception {
        FakeP0fServer v2 = FakeP0fServer.startV2().answering(Fingerprint.builder(2).osName("Windows")
            .osFlavor("XP SP1+, 2000 SP3").distance(12).build());
        try {
            ToolRun run = ToolRun.of("query", "--version", "2", "--socket", v2.socketPath().toString(),
                "192.0.2.1:40000", "--local-address", "198.51.100.25:25");

            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(run.out).startsWith("192.0.2.1: Windows XP SP1+, 2000 SP3").contains("distance     12");
            assertThat(v2.queries()).hasSize(1);
            assertThat(v2.queries().get(0).raw()).hasSize(P0fWire.V2_QUERY_SIZE);
        } finally {
            v2.close();
        }
    }

    /** A timeout a loaded machine cannot reach before a definite answer (or hang-up) arrives. */
    private ToolRun check() {
        return ToolRun.of("check", "--socket", fake.socketPath().toString(), "--timeout", "5000");
    }

    /** For the cases that end in the timeout: short, so that the test is. */
    private ToolRun checkTimingOut() {
        return ToolRun.of("check", "--socket", fake.socketPath().toString(), "--timeout", "300");
    }

    private static void assertOneLine(ToolRun run) {
        assertThat(run.err.trim()).doesNotContain("\n").doesNotContain("Exception:").doesNotContain("\tat ");
    }
}
