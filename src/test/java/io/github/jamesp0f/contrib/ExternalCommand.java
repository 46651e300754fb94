package io.github.jamesp0f.contrib;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs a command line tool to completion and keeps what it printed. Test support. */
final class ExternalCommand {

    final int exitCode;
    final String output;

    private ExternalCommand(int exitCode, String output) {
        this.exitCode = exitCode;
        this.output = output;
    }

    /** The tool's absolute path when it is on the PATH. */
    static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return Arrays.stream(path.split(":"))
            .map(dir -> Paths.get(dir, tool))
            .filter(Files::isExecutable)
            .findFirst();
    }

    /** The tool's absolute path; skips the calling test, naming the package to install, when it is missing. */
    static Path require(String tool, String debianPackage) {
        Optional<Path> found = find(tool);
        Assumptions.assumeTrue(found.isPresent(), tool + " is not installed: apt-get install " + debianPackage);
        return found.get();
    }

    static ExternalCommand run(Path workingDir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("external-command", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            return new ExternalCommand(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ": " + output;
    }
}
