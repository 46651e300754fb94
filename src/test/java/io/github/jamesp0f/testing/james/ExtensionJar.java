package io.github.jamesp0f.testing.james;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The packaged james-p0f jar, as failsafe names it (system property {@value #PROPERTY}), and the
 * check that the tests really load the extension from James's extensions-jars and not from their
 * own classpath.
 *
 * <p>Why the check matters: James's extension class loader asks its parent first, so if
 * target/classes (or the jar) were on the test classpath, James would load our handler from there
 * and the copy in extensions-jars would never be used: a broken jar (missing shaded dependency,
 * wrong manifest) would pass. The pom sets failsafe's {@code classesDirectory} to the test classes,
 * so the main classes are not on the integration tests' classpath; this check fails loudly if that
 * ever changes.
 */
public final class ExtensionJar {

    public static final String PROPERTY = "james-p0f.jar";
    /** A class that only the extension jar contains. */
    public static final String PROBE_CLASS = "io.github.jamesp0f.smtp.P0fConnectHandler";

    private ExtensionJar() {
    }

    public static Path path() {
        String property = System.getProperty(PROPERTY);
        if (property == null) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set: run integration tests"
                + " with `mvn verify` (failsafe sets it to the packaged jar)");
        }
        Path jar = Paths.get(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(PROPERTY + " names " + jar + ", which does not exist: run `mvn verify`"
                + " (package builds it)");
        }
        return jar;
    }

    /** Fails when the extension's classes are visible without extensions-jars. */
    public static void assertNotOnTestClasspath() {
        try {
            Class.forName(PROBE_CLASS, false, ExtensionJar.class.getClassLoader());
        } catch (ClassNotFoundException expected) {
            return;
        }
        throw new IllegalStateException(PROBE_CLASS + " is on the test classpath, so James (parent-first class"
            + " loading) would load it from there instead of extensions-jars. Integration tests must run under"
            + " failsafe with <classesDirectory> set to the test classes (see pom.xml).");
    }
}
