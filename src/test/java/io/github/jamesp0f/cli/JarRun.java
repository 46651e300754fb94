package io.github.jamesp0f.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * One run of the packaged jar, {@code java -jar james-p0f-*.jar ...}, as an administrator runs it
 * (failsafe names the jar in the {@code james-p0f.jar} system property).
 */
public final class JarRun {

    private static final long TIMEOUT_SECONDS = 60;

    public final int exitCode;
    public final String out;
    public final String err;

    private JarRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static Path jar() {
        String jar = System.getProperty("james-p0f.jar");
        Assumptions.assumeTrue(jar != null, "needs the packaged jar: run with mvn verify (system property james-p0f.jar)");
        Path path = Paths.get(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("the packaged jar " + path + " is missing: run mvn package first");
        }
        return path;
    }

    public static JarRun of(String... args) {
        return as(List.of(), jar(), args);
    }

    /**
     * Runs {@code jar} behind {@code prefix} (for example setpriv, to run it as another user, who
     * must be able to read the jar: the build directory may be under a private home).
     */
    static JarRun as(List<String> prefix, Path jar, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(Arrays.asList(args));
        try {
            Path dir = Files.createTempDirectory("jar-run");
            try {
                Path out = dir.resolve("out");
                Path err = dir.resolve("err");
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
                process.getOutputStream().close();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS
                        + " s");
                }
                return new JarRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                for (String name : new String[] {"out", "err"}) {
                    Files.deleteIfExists(dir.resolve(name));
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
