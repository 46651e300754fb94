package io.github.jamesp0f.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.RawP0fQuery;
import io.github.jamesp0f.testing.RealP0f;

/**
 * The floor under {@link LookupBenchmark}: one blocking junixsocket connection to a real p0f, a
 * 21-byte query written and the 232-byte answer read, nothing decoded. What any Java client pays
 * for the round trip itself; the difference to the client's figure is the client's own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RawRoundTripBenchmark {

    private RealP0f p0f;
    private AFUNIXSocket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] query;
    private final byte[] answer = new byte[232];

    @Setup(Level.Trial)
    public void start() throws IOException {
        p0f = RealP0f.builder().start();
        InetAddress address = InetAddress.getByName("127.0.0.1");
        p0f.connectFrom(address);
        CraftedSyn.awaitOsKnown(p0f.socketPath(), address, Duration.ofSeconds(5));
        query = RawP0fQuery.encode(address);
        socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(p0f.socketPath()));
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    @Benchmark
    public byte[] roundTrip() throws IOException {
        out.write(query);
        int read = 0;
        while (read < answer.length) {
            int n = in.read(answer, read, answer.length - read);
            if (n < 0) {
                throw new EOFException("p0f hung up");
            }
            read += n;
        }
        return answer;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (p0f != null) {
            p0f.close();
        }
    }
}
