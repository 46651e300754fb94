package io.github.jamesp0f.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.transport.P0fClientFactory;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.StaleSocket;

/**
 * What a failed connect() is called, checked through a real client connecting to what really is
 * at the path: connect() says "refused" for a regular file and a directory too, and only a socket
 * nobody listens on may be called stale.
 */
class FailureWordsTest {

    @TempDir
    Path dir;

    @Test
    void aRegularFileIsNotASocketAndNeverStale() throws Exception {
        Path file = Files.writeString(dir.resolve("p0f.sock"), "root:x:0:0");

        P0fFailure failure = lookUpThrough(file);

        assertThat(failure.kind()).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(failure.message()).isEqualTo("not a p0f socket: " + file + " is a regular file, not a socket; "
            + "give the path of p0f's API socket (p0f -s PATH)");
    }

    @Test
    void aDirectoryIsNotASocketAndNeverStale() throws Exception {
        P0fFailure failure = lookUpThrough(dir);

        assertThat(failure.kind()).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(failure.message()).startsWith("not a p0f socket: " + dir + " is a directory, not a socket")
            .doesNotContain("stale").doesNotContain("remove");
    }

    @Test
    void aMissingPathSaysNothingIsThere() throws Exception {
        Path socket = dir.resolve("p0f.sock");

        P0fFailure failure = lookUpThrough(socket);

        assertThat(failure.kind()).isEqualTo(Kind.SOCKET_MISSING);
        assertThat(failure.message()).isEqualTo("no such file: nothing at " + socket + " (is p0f running with -s "
            + socket + "?)");
    }

    @Test
    void aMissingDirectoryIsNamed() throws Exception {
        Path socket = dir.resolve("run/p0f/p0f.sock");

        P0fFailure failure = lookUpThrough(socket);

        assertThat(failure.kind()).isEqualTo(Kind.SOCKET_MISSING);
        assertThat(failure.message()).startsWith("no such file: the directory " + dir.resolve("run/p0f")
            + " does not exist");
    }

    @Test
    void aSocketNobodyListensOnIsStale() throws Exception {
        Path socket = StaleSocket.at(dir.resolve("p0f.sock"));

        P0fFailure failure = lookUpThrough(socket);

        assertThat(failure.kind()).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(failure.message()).isEqualTo("connection refused at " + socket + ": a stale socket left by a p0f "
            + "that is no longer running (start p0f, or remove the file)");
    }

    /**
     * Root, whom the tests usually run as, is stopped by no file mode, so EACCES cannot happen for
     * real here: the words are checked on junixsocket's errno text with a real socket at the path;
     * the real case runs where the tests are not root (and in P0fToolIT, as another user).
     */
    @Test
    void permissionDeniedOnTheSocket() throws Exception {
        Path socket = dir.resolve("p0f.sock");
        try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
            server.bind(AFUNIXSocketAddress.of(socket));

            P0fFailure failure = FailureWords.connectFailed(socket, new SocketException("Permission denied"));

            assertThat(failure.kind()).isEqualTo(Kind.PERMISSION_DENIED);
            assertThat(failure.message()).startsWith("permission denied on " + socket + ": this user may not use "
                + "the socket (add it to the group that owns the socket's directory");
        }
    }

    @Test
    void permissionDeniedForRealWhenNotRoot() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
            "root ignores file modes, so EACCES cannot happen; see permissionDeniedOnTheSocket");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        try (FakeP0fServer fake = FakeP0fServer.start(locked.resolve("p0f.sock"))) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            P0fFailure failure = lookUpThrough(fake.socketPath());
            assertThat(failure.kind()).isEqualTo(Kind.PERMISSION_DENIED);
            assertThat(failure.message()).startsWith("permission denied: this user cannot reach " + fake.socketPath());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anyOtherErrorCarriesItsCause() {
        P0fFailure failure = FailureWords.connectFailed(dir.resolve("p0f.sock"), new SocketException("Too many open files"));

        assertThat(failure.kind()).isEqualTo(Kind.IO_ERROR);
        assertThat(failure.message()).contains("Too many open files");
    }

    @Test
    void tcpFailuresNameTheAddressAndWhatToCheck() {
        P0fEndpoint edge = P0fEndpoint.tcp("198.51.100.10:2999");

        P0fFailure unreachable = FailureWords.connectFailed(edge, new NoRouteToHostException("No route to host"));
        P0fFailure timedOut = FailureWords.connectTimedOut(edge, Duration.ofMillis(500));
        P0fFailure other = FailureWords.connectFailed(edge, new SocketException("Too many open files"));

        assertThat(unreachable.kind()).isEqualTo(Kind.IO_ERROR);
        assertThat(unreachable.message()).isEqualTo("tcp:198.51.100.10:2999 is unreachable from this host (No route "
            + "to host): check the address and the route to p0f's host");
        assertThat(timedOut.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(timedOut.message()).startsWith("connect to tcp:198.51.100.10:2999 timed out after 500 ms: no reply");
        assertThat(other.message()).isEqualTo("cannot connect to p0f at tcp:198.51.100.10:2999: Too many open files");
        assertThat(FailureWords.connectTimedOut(P0fEndpoint.unix(dir.resolve("p0f.sock")), Duration.ofMillis(500))
            .message()).contains("p0f's queue of connections waiting to be accepted is full");
    }

    private static P0fFailure lookUpThrough(Path socket) throws Exception {
        try (P0fClient client = P0fClientFactory.create(P0fClientConfig.builder(socket).timeout(Duration.ofSeconds(2))
            .cacheTtl(Duration.ZERO).build())) {
            P0fLookup lookup = client.lookup(InetAddress.getLoopbackAddress()).get(5, TimeUnit.SECONDS);
            assertThat(lookup.status()).as(lookup.toString()).isEqualTo(P0fLookup.Status.FAILED);
            return lookup.failure().orElseThrow();
        }
    }
}
