package io.github.jamesp0f.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.jamesp0f.cli.JarRun;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.P0fObservations;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.VethPair;

/**
 * The label suite's real kernel: this machine's Linux connecting through a veth between two
 * network namespaces of the test's own (MTU 1500, default sysctls), and over loopback, seen by a
 * p0f with the shipped database and one with p0f's own. A Linux of 4.19 or newer must be named so,
 * never fuzzily, and the packaged jar's {@code query} must answer what p0f logged.
 */
class KernelLabelsIT {

    private static final Duration LOGGED = Duration.ofSeconds(10);
    private static final String LINUX = "Linux 4.19 and newer";

    private static VethPair veth;
    private static RealP0f shippedOnVeth;
    private static RealP0f stockOnVeth;
    private static RealP0f shippedOnLoopback;
    private static RealP0f stockOnLoopback;
    private static final LabelTable TABLE = new LabelTable("This machine's kernel (Linux "
        + System.getProperty("os.version") + ")");

    @BeforeAll
    static void start() {
        assumeTrue(kernelAtLeast(4, 19), "names Linux 4.19 and newer: this kernel is " + System.getProperty("os.version"));
        assumeTrue(Files.isReadable(RealP0f.STOCK_DATABASE), "needs p0f's own database at " + RealP0f.STOCK_DATABASE);
        veth = VethPair.create("lbl", "198.18.16", "2001:2:0:16", 1500);
        int port = FreePorts.next();
        shippedOnVeth = RealP0f.builder().watchPort(port).inNamespace(veth.serverNamespace(), veth.serverInterface())
            .observations().start();
        stockOnVeth = RealP0f.builder().watchPort(port).inNamespace(veth.serverNamespace(), veth.serverInterface())
            .database(RealP0f.STOCK_DATABASE).observations().start();
        shippedOnLoopback = RealP0f.builder().watchPort(port).observations().start();
        stockOnLoopback = RealP0f.builder().watchPort(port).database(RealP0f.STOCK_DATABASE).observations().start();
    }

    @AfterAll
    static void stop() {
        TABLE.publish("labels-kernel.md");
        for (AutoCloseable closeable : new AutoCloseable[] {shippedOnVeth, stockOnVeth, shippedOnLoopback,
            stockOnLoopback, veth}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop " + closeable, e);
            }
        }
    }

    @ParameterizedTest(name = "IPv6 {0}")
    @ValueSource(booleans = {false, true})
    void thisKernelThroughAVethIsLinux419AndNewer(boolean ipv6) {
        veth.connectFromClient(ipv6, shippedOnVeth.watchedPort());
        InetAddress client = veth.clientAddress(ipv6);

        P0fObservations.Syn shipped = shippedOnVeth.observations().awaitFrom(client, LOGGED);
        P0fObservations.Syn stock = stockOnVeth.observations().awaitFrom(client, LOGGED);
        TABLE.add("a connection through a veth, MTU 1500, IPv" + (ipv6 ? 6 : 4), shipped.rawSig, stock.os, shipped.os);

        assertThat(shipped.os).as("%s", shipped).isEqualTo(LINUX);
        assertThat(shipped.params).as("%s", shipped).doesNotContain("fuzzy").doesNotContain("generic");
        assertToolAnswers(shippedOnVeth, client, shipped);
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"127.18.255.1", "::1"})
    void thisKernelOverLoopbackIsLinux419AndNewerLoopback(String source) throws Exception {
        InetAddress client = InetAddress.getByName(source);
        shippedOnLoopback.connectFrom(client);

        P0fObservations.Syn shipped = shippedOnLoopback.observations().awaitFrom(client, LOGGED);
        P0fObservations.Syn stock = stockOnLoopback.observations().awaitFrom(client, LOGGED);
        TABLE.add("a connection over loopback from " + source, shipped.rawSig, stock.os, shipped.os);

        assertThat(shipped.os).as("%s", shipped).isEqualTo(LINUX + " (loopback)");
        assertThat(shipped.params).as("%s", shipped).doesNotContain("fuzzy").doesNotContain("generic");
        assertToolAnswers(shippedOnLoopback, client, shipped);
    }

    /** The packaged jar's query names what p0f logged (p0f answers for the host's last SYN). */
    private static void assertToolAnswers(RealP0f p0f, InetAddress client, P0fObservations.Syn logged) {
        JarRun run = JarRun.of("query", "--socket", p0f.socketPath().toString(), client.getHostAddress());

        assertThat(run.exitCode).as("%s", run).isZero();
        assertThat(run.out).as("%s", run).startsWith(client.getHostAddress() + ": " + logged.os + System.lineSeparator());
    }

    static boolean kernelAtLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version").split("[.-]");
        int actualMajor = Integer.parseInt(parts[0]);
        int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return actualMajor > major || (actualMajor == major && actualMinor >= minor);
    }
}
