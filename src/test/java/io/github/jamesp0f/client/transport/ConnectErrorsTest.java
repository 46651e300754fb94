package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.FakeP0fServer;

/** connect()'s errno, as junixsocket reports it, becomes a failure an administrator can act on. */
class ConnectErrorsTest {

    private static final Path SOCKET = Path.of("/run/p0f/p0f.sock");

    @Test
    void enoentIsSocketMissing() {
        P0fFailure f = ConnectErrors.classify(SOCKET, new SocketException("No such file or directory"));
        assertThat(f.kind()).isEqualTo(Kind.SOCKET_MISSING);
        assertThat(f.message()).contains("/run/p0f/p0f.sock does not exist");
    }

    @Test
    void econnrefusedIsConnectionRefused() {
        P0fFailure f = ConnectErrors.classify(SOCKET, new SocketException("Connection refused"));
        assertThat(f.kind()).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(f.message()).contains("no p0f listens");
    }

    /**
     * These tests run as root, whom no file mode stops, so a chmod 000 directory cannot produce
     * EACCES here: the mapping is checked on junixsocket's message, the real case below runs only
     * where the tests are not root.
     */
    @Test
    void eaccesIsPermissionDenied() {
        P0fFailure f = ConnectErrors.classify(SOCKET, new SocketException("Permission denied"));
        assertThat(f.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(f.message()).contains("permission denied on /run/p0f/p0f.sock");
    }

    @Test
    void anythingElseIsAnIoErrorCarryingTheCause() {
        P0fFailure f = ConnectErrors.classify(SOCKET, new SocketException("Too many open files"));
        assertThat(f.kind()).isEqualTo(Kind.IO_ERROR);
        assertThat(f.message()).contains("Too many open files");
    }

    @Test
    void unreadableDirectoryIsPermissionDeniedForRealWhenNotRoot(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
            "root ignores file modes, so EACCES cannot happen; covered by eaccesIsPermissionDenied");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        try (FakeP0fServer fake = FakeP0fServer.start(locked.resolve("p0f.sock"))) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            try (V3P0fClient client = new V3P0fClient(P0fClientConfig.builder(fake.socketPath())
                .timeout(Duration.ofMillis(500)).build())) {
                P0fLookup lookup = client.lookup(InetAddress.getLoopbackAddress()).get(5, TimeUnit.SECONDS);
                assertThat(lookup.failure().orElseThrow().kind()).isEqualTo(Kind.PERMISSION_DENIED);
            }
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
