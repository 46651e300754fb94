package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.testing.StaleSocket;

/**
 * What {@code check} and {@code query} say when the socket path itself is wrong (nothing needs to
 * listen): the client's own words, so that the tool never tells an administrator to remove a file
 * that is not a stale socket.
 */
class SocketPathWordsTest {

    @TempDir
    Path dir;

    @Test
    void missingSocket() {
        ToolRun run = ToolRun.of("check", "--socket", dir.resolve("p0f.sock").toString());

        assertThat(run.exitCode).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).isEqualTo("james-p0f: no such file: nothing at " + dir.resolve("p0f.sock")
            + " (is p0f running with -s " + dir.resolve("p0f.sock") + "?)" + System.lineSeparator());
    }

    @Test
    void missingDirectory() {
        ToolRun run = ToolRun.of("check", "--socket", dir.resolve("nowhere/p0f.sock").toString());

        assertThat(run.exitCode).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).contains("no such file: the directory " + dir.resolve("nowhere") + " does not exist");
    }

    @Test
    void regularFile() throws Exception {
        Path file = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");

        for (ToolRun run : new ToolRun[] {ToolRun.of("check", "--socket", file.toString()),
            ToolRun.of("query", "--socket", file.toString(), "1.2.3.4")}) {
            assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
            assertThat(run.err).as(run.toString())
                .startsWith("james-p0f: not a p0f socket: " + file + " is a regular file, not a socket")
                .doesNotContain("stale").doesNotContain("remove");
        }
    }

    @Test
    void directory() {
        for (ToolRun run : new ToolRun[] {ToolRun.of("check", "--socket", dir.toString()),
            ToolRun.of("query", "--socket", dir.toString(), "1.2.3.4")}) {
            assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
            assertThat(run.err).as(run.toString()).startsWith("james-p0f: not a p0f socket: " + dir + " is a directory")
                .doesNotContain("stale").doesNotContain("remove");
        }
    }

    @Test
    void staleSocket() throws Exception {
        Path socket = StaleSocket.at(dir.resolve("p0f.sock"));

        for (ToolRun run : new ToolRun[] {ToolRun.of("check", "--socket", socket.toString()),
            ToolRun.of("query", "--socket", socket.toString(), "1.2.3.4")}) {
            assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.P0F_FAILED);
            assertThat(run.err).as(run.toString()).isEqualTo("james-p0f: connection refused at " + socket
                + ": a stale socket left by a p0f that is no longer running (start p0f, or remove the file)"
                + System.lineSeparator());
        }
    }
}
