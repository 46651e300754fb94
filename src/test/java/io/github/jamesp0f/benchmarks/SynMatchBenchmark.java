package io.github.jamesp0f.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Paths;
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
import org.openjdk.jmh.annotations.Warmup;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.syn.P0fDatabase;
import io.github.jamesp0f.syn.SynMatch;
import io.github.jamesp0f.syn.SynMatcher;
import io.github.jamesp0f.testing.Hex;

/**
 * p0f's SYN matching in Java, one thread: SYN bytes to a {@link SynMatch} ({@code match}), and on
 * to the {@link Fingerprint} the handler uses ({@code fingerprint}), against p0f's stock database
 * and the shipped one. The SYNs rotate through a mix a mail server sees: this machine's Linux
 * (loopback and Ethernet MSS, IPv4 and IPv6), Windows 7 and 10, macOS, FreeBSD, and a SYN whose
 * option layout no signature has. Run with the GC profiler for the bytes allocated per match
 * ({@code RunBenchmarks -prof gc SynMatchBenchmark}); no root, no p0f. Figures: docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SynMatchBenchmark {

    /** IP and TCP headers as the kernel saves them (TCP_SAVED_SYN) or as the OS sends them. */
    static final String[] SYNS = {
        // Linux 6.18 over loopback (TCP_SAVED_SYN, the example)
        "4500003ca2ab400040069a0e7f0000017f000001cb2ed3bf7f91886c00000000a002ffd7fe300000"
            + "0204ffd70402080a23f043e1000000000103030a",
        // Linux 6.18 through a veth, MTU 1500: mss*44,10
        "4500003c1c4640004006124ec6124001c6124002c000001984cb3b3900000000a002faf00a6d0000"
            + "020405b40402080a8a1b2c3d000000000103030a",
        // Linux over IPv6, MSS 1440: mss*44,10
        "60000000002806402001000200000064000000000000000120010002000000640000000000000002"
            + "c000001984cb3b3900000000a002f780d9480000020405a00402080a8a1b2c3d000000000103030a",
        // Windows 7 or 8, 15 hops away
        "450000347a7b400071068320c6124001c6124002c00000190001e2400000000080022000a08c0000"
            + "020405b40103030801010402",
        // Windows 10: window 64240, scale 8
        "45000034111140008006dd8ac6124001c6124002c000001900012345000000008002faf084970000"
            + "020405b40103030801010402",
        // macOS: mss,nop,ws,nop,nop,ts,sok,eol+1
        "450000402222400040060c6ec6124001c6124002c000001900ab000000000000b002ffff64740000"
            + "020405b4010303060101080a3b9aca000000000004020000",
        // FreeBSD: mss,nop,ws,sok,ts
        "4500003c333340004006fb60c6124001c6124002c000001900cd000000000000a002ffffad060000"
            + "020405b4010303060402080a0bebc20000000000",
        // no signature has this layout: every candidate is tried
        "45000030444440004006ea5bc6124001c6124002c00000190000ef0000000000700220008edb0000"
            + "020405b41e040000",
    };

    @Param({"/etc/p0f/p0f.fp", "contrib/p0f/p0f.fp"})
    public String database;

    private SynMatcher matcher;
    private ByteBuffer[] syns;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        matcher = new SynMatcher(P0fDatabase.load(Paths.get(database)));
        syns = new ByteBuffer[SYNS.length];
        for (int i = 0; i < SYNS.length; i++) {
            syns[i] = ByteBuffer.wrap(Hex.bytes(SYNS[i]));
            matcher.match(syns[i]); // fails here, not in the measurement, if a SYN is malformed
        }
    }

    @Benchmark
    public SynMatch match() {
        return matcher.match(nextSyn());
    }

    @Benchmark
    public Fingerprint fingerprint() {
        return matcher.match(nextSyn()).toFingerprint();
    }

    private ByteBuffer nextSyn() {
        ByteBuffer syn = syns[next];
        next = next + 1 == syns.length ? 0 : next + 1;
        return syn;
    }
}
