package io.github.jamesp0f.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.transport.P0fClientFactory;
import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FakeP0fServer;
import io.github.jamesp0f.testing.RealP0f;

/**
 * One v3 lookup through the client, start to completed future, against a real p0f on loopback
 * (needs root) or the fake p0f server. Run with the GC profiler for the heap allocated per lookup
 * ({@code gc.alloc.rate.norm}); see {@link RunBenchmarks}. Cache and no-match retry are off, so
 * every lookup is a round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LookupBenchmark {

    @Param({"real", "fake"})
    public String p0f;

    private RealP0f realP0f;
    private FakeP0fServer fakeP0f;
    private P0fClient client;
    private InetAddress address;

    @Setup(Level.Trial)
    public void start() throws IOException {
        address = InetAddress.getByName("127.0.0.1");
        Path socket;
        if ("real".equals(p0f)) {
            realP0f = RealP0f.builder().start();
            realP0f.connectFrom(address);
            CraftedSyn.awaitOsKnown(realP0f.socketPath(), address, Duration.ofSeconds(5));
            socket = realP0f.socketPath();
        } else {
            fakeP0f = FakeP0fServer.start().answering(Fingerprint.builder(3).firstSeen(1_700_000_000)
                .lastSeen(1_700_000_000).totalConnections(1).distance(0).osName("Linux").osFlavor("2.2.x-3.x")
                .linkType("Ethernet or modem").build());
            socket = fakeP0f.socketPath();
        }
        client = P0fClientFactory.create(P0fClientConfig.builder(socket).cacheTtl(Duration.ZERO)
            .noMatchRetryDelay(Duration.ZERO).build());
        P0fLookup first = client.lookup(address).join();
        if (!first.isMatch()) {
            throw new IllegalStateException("p0f (" + p0f + ") does not know " + address + ": " + first);
        }
    }

    @Benchmark
    public P0fLookup lookup() {
        return client.lookup(address).join();
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (realP0f != null) {
            realP0f.close();
        }
        if (fakeP0f != null) {
            fakeP0f.close();
        }
    }
}
