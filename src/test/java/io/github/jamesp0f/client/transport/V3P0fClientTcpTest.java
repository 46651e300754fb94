package io.github.jamesp0f.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.client.P0fFailure.Kind;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.FreePorts;

/**
 * Every test of {@link V3P0fClientTest} again with p0f's API over TCP (a fake on a loopback port),
 * since the TCP transport must keep every guarantee the unix one has; and what only TCP has.
 */
class V3P0fClientTcpTest extends V3P0fClientTest {

    @Override
    FakeP0fServer startFake() throws IOException {
        return FakeP0fServer.startTcp();
    }

    @Override
    void assumeUnixSockets() {
        Assumptions.assumeTrue(false, "what is at a socket's path: unix sockets only");
    }

    @Test
    void nothingListeningIsConnectionRefusedAtTheAddressThenBackOffThenRecovery() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next());
        V3P0fClient client = client(P0fEndpoint.tcp(address), 1);

        long start = System.nanoTime();
        P0fLookup refused = get(client.lookup(ip("10.0.0.1")));

        assertThat(failureKind(refused)).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(refused.failure().orElseThrow().message()).isEqualTo("connection refused at tcp:127.0.0.1:"
            + address.getPort() + ": nothing listens there (is the relay to p0f's socket, such as "
            + "systemd-socket-proxyd, running on that host and listening on that address?)");
        assertThat(System.nanoTime() - start).isLessThan(TIMEOUT.toNanos());

        FakeP0fServer fake = echoing(track(FakeP0fServer.startTcp(address.getPort())));
        CompletableFuture<P0fLookup> fast = client.lookup(ip("10.0.0.1"));
        assertThat(fast).isDone();
        assertThat(failureKind(fast.join())).isEqualTo(Kind.BACKING_OFF);
        assertThat(fake.connectionsAccepted()).isZero();

        assertUsableAfter(fake, client);
        assertThat(listener.changes).containsExactly("IDLE->BACKING_OFF", "BACKING_OFF->CONNECTED");
    }

    @Test
    void theStatusAndTheFailuresNameTheTcpEndpoint() throws Exception {
        FakeP0fServer fake = echoing(fake()).neverAnswering();
        V3P0fClient client = client(fake.endpoint(), 1);

        P0fLookup lookup = client.lookup(ip("10.0.0.1")).get(TIMEOUT.toMillis() + SLACK_MILLIS,
            java.util.concurrent.TimeUnit.MILLISECONDS);

        assertThat(lookup.failure().orElseThrow().message()).startsWith("no answer from " + fake.endpoint()
            + " within 200 ms");
        assertThat(fake.endpoint().toString()).startsWith("tcp:127.0.0.1:");
        assertThat(client.status().endpoint()).isEqualTo(fake.endpoint());
        assertThat(client.status().state()).isEqualTo(P0fClientStatus.State.BACKING_OFF);
        fake.normally();
    }
}
