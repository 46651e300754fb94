package io.github.jamesp0f.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import io.github.jamesp0f.fingerprint.Fingerprint;

/** The fake must behave as documented, or every test built on it proves nothing. */
class FakeP0fServerTest {

    private static final Fingerprint WINDOWS = Fingerprint.builder(3).osName("Windows").osFlavor("7 or 8").distance(15).build();

    @Test
    void answersPipelinedQueriesInOrderAndRecordsThem() throws Exception {
        try (FakeP0fServer fake = FakeP0fServer.start().answering(WINDOWS);
             AFUNIXSocket socket = connect(fake)) {
            socket.getOutputStream().write(concat(v3Query(127, 0, 0, 9), v3Query(10, 1, 2, 3)));
            byte[] two = new byte[464];
            new DataInputStream(socket.getInputStream()).readFully(two);

            assertThat(ByteBuffer.wrap(two).order(ByteOrder.nativeOrder()).getInt(232 + 4)).isEqualTo(0x10);
            assertThat(fake.queries()).extracting(FakeP0fServer.ReceivedQuery::address)
                .containsExactly(InetAddress.getByName("127.0.0.9"), InetAddress.getByName("10.1.2.3"));
            assertThat(fake.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void heldAnswersAreSentWhenTheModeChanges() throws Exception {
        try (FakeP0fServer fake = FakeP0fServer.start().answering(WINDOWS).neverAnswering();
             AFUNIXSocket socket = connect(fake)) {
            socket.getOutputStream().write(v3Query(127, 0, 0, 9));
            fake.awaitQueries(1, Duration.ofSeconds(5));
            socket.setSoTimeout(100);
            assertThat(socket.getInputStream().available()).isZero();

            fake.normally();
            byte[] answer = new byte[232];
            socket.setSoTimeout(5000);
            new DataInputStream(socket.getInputStream()).readFully(answer);
            assertThat(answer).isEqualTo(P0fWire.v3Ok(WINDOWS));
        }
    }

    @Test
    void notAcceptingLeavesConnectsInTheBacklog() throws Exception {
        try (FakeP0fServer fake = FakeP0fServer.start().notAccepting();
             AFUNIXSocket socket = connect(fake)) {
            socket.getOutputStream().write(v3Query(127, 0, 0, 9));
            Thread.sleep(50);
            assertThat(fake.connectionsAccepted()).isZero();
            fake.normally();
            fake.awaitQueries(1, Duration.ofSeconds(5));
            assertThat(fake.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void v2AnswersOneQueryEchoingItsIdThenCloses() throws Exception {
        try (FakeP0fServer fake = FakeP0fServer.startV2().answering(WINDOWS);
             AFUNIXSocket socket = connect(fake)) {
            ByteBuffer q = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
            q.putInt(0, 0x0defaced).put(4, (byte) 1).putInt(8, 4711);
            q.put(12, (byte) 10).put(13, (byte) 0).put(14, (byte) 0).put(15, (byte) 1);
            q.putShort(20, (short) 40000).putShort(22, (short) 25);
            socket.getOutputStream().write(q.array());

            byte[] answer = socket.getInputStream().readAllBytes();
            assertThat(answer).hasSize(144);
            assertThat(ByteBuffer.wrap(answer).order(ByteOrder.nativeOrder()).getInt(4)).isEqualTo(4711);
            assertThat(fake.queries().get(0).v2RemotePort()).isEqualTo(40000);
            assertThat(fake.queries().get(0).v2LocalPort()).isEqualTo(25);
        }
    }

    private static AFUNIXSocket connect(FakeP0fServer fake) throws IOException {
        return AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(fake.socketPath()));
    }

    private static byte[] v3Query(int a, int b, int c, int d) {
        ByteBuffer q = ByteBuffer.allocate(21).order(ByteOrder.nativeOrder());
        q.putInt(0x50304601).put((byte) 4).put((byte) a).put((byte) b).put((byte) c).put((byte) d);
        return q.array();
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] both = new byte[x.length + y.length];
        System.arraycopy(x, 0, both, 0, x.length);
        System.arraycopy(y, 0, both, x.length, y.length);
        return both;
    }
}
