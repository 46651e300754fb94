package io.github.jamesp0f.contrib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * The protection the start-up files rely on, tried with a real p0f: p0f creates its socket with
 * mode 0666, so only the run directory's mode (0750, owned by root and James's group) keeps other
 * local users away. A process in the group connects; a process outside it gets "permission denied".
 */
class P0fRunDirectoryPermissionsTest {

    private static final String NOBODY = "65534";
    private static final String JAMES_GROUP = "65534"; // nogroup stands in for James's group
    private static final String OTHER_GROUP = "1"; // daemon
    private static final String CONNECT =
        "import socket, sys\n"
        + "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
        + "try:\n"
        + "    s.connect(sys.argv[1])\n"
        + "except OSError as e:\n"
        + "    print(type(e).__name__, e)\n"
        + "    sys.exit(3)\n"
        + "print('connected')\n";

    @Test
    void onlyJamesGroupReachesTheSocket(@TempDir Path base) throws Exception {
        Path p0f = Paths.get(System.getProperty("p0f.binary", "/usr/sbin/p0f"));
        assumeTrue(Files.isExecutable(p0f), "needs p0f: apt-get install p0f");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run p0f and to switch users");
        Path setpriv = ExternalCommand.find("setpriv").orElse(null);
        assumeTrue(setpriv != null, "needs setpriv (util-linux)");
        Path python = Paths.get("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3");

        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path runDir = Files.createDirectory(base.resolve("p0f"));
        assertThat(ExternalCommand.run(base, "chgrp", JAMES_GROUP, runDir.toString()).exitCode).isZero();
        assertThat(ExternalCommand.run(base, "chmod", unitRuntimeDirectoryMode(), runDir.toString()).exitCode).isZero();
        Path socket = runDir.resolve("p0f.sock");

        Process daemon = new ProcessBuilder(p0f.toString(), "-i", "lo", "-s", socket.toString(), "-S", "2",
            "tcp dst port 1").redirectErrorStream(true).redirectOutput(base.resolve("p0f.log").toFile()).start();
        try {
            waitForSocket(socket, daemon, base.resolve("p0f.log"));

            ExternalCommand inGroup = ExternalCommand.run(base, setpriv.toString(), "--reuid=" + NOBODY,
                "--regid=" + JAMES_GROUP, "--clear-groups", python.toString(), "-c", CONNECT, socket.toString());
            ExternalCommand outside = ExternalCommand.run(base, setpriv.toString(), "--reuid=" + NOBODY,
                "--regid=" + OTHER_GROUP, "--clear-groups", python.toString(), "-c", CONNECT, socket.toString());

            assertThat(inGroup.output).as("%s", inGroup).contains("connected");
            assertThat(outside.output).as("%s", outside).contains("PermissionError");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .as("p0f's own socket mode, which protects nothing").isEqualTo("rw-rw-rw-");
        } finally {
            daemon.destroy();
            daemon.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String unitRuntimeDirectoryMode() throws Exception {
        Matcher m = Pattern.compile("(?m)^RuntimeDirectoryMode=(\\d+)$")
            .matcher(ContribStartupFilesTest.read(ContribStartupFilesTest.SYSTEMD_UNIT));
        assertThat(m.find()).as("RuntimeDirectoryMode in the unit").isTrue();
        return m.group(1);
    }

    private static void waitForSocket(Path socket, Process daemon, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("p0f did not create " + socket + ": " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }
}
