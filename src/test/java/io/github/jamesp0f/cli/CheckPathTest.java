package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code check} says when the socket path itself is wrong: nothing needs to listen. */
class CheckPathTest {

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
        Path file = Files.writeString(dir.resolve("p0f.sock"), "not a socket");

        ToolRun run = ToolRun.of("check", "--socket", file.toString());

        assertThat(run.exitCode).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).contains("not a p0f socket: " + file + " is a regular file, not a socket");
    }

    @Test
    void directory() {
        ToolRun run = ToolRun.of("check", "--socket", dir.toString());

        assertThat(run.exitCode).isEqualTo(ExitCode.P0F_FAILED);
        assertThat(run.err).contains("not a p0f socket: " + dir + " is a directory");
    }
}
