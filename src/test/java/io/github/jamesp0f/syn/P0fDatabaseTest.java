package io.github.jamesp0f.syn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.jamesp0f.testing.Commands;
import io.github.jamesp0f.testing.Hex;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.SignatureLines;

class P0fDatabaseTest {

    static final String HEADER = "classes = win,unix,other\n\n[tcp:request]\n";

    static P0fDatabase read(String text) {
        try {
            return P0fDatabase.read("test.fp", new StringReader(text));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsTheSynSignaturesInFileOrderAndTheMtuTableSkippingOtherSections() {
        P0fDatabase database = read("; comment\nclasses = win,unix,other\n\n[mtu]\nlabel = Ethernet or modem\n"
            + "sig   = 1500\nlabel = DSL\nsig = 1492\n\n[tcp:request]\n\nlabel = s:unix:Linux:3.11 and newer\n"
            + "sig   = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n  ; indented comment\n"
            + "label = g:win:Windows:\nsig=4:128-:0:1460:%8192,*:mss,nop,eol+1::+\n"
            + "label = s:!:NMap:SYN scan\nsys   = @unix,Windows\nsig   = 6:64:4:0:*,14:?30::*\n"
            + "[tcp:response]\nlabel = anything: not read\nsig = not read either\n"
            + "[http:request]\nua_os = Linux\n");

        List<TcpSignature> signatures = database.requestSignatures();
        assertThat(signatures).extracting(TcpSignature::toString).containsExactly(
            "*:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0", "4:128-:0:1460:%8192,*:mss,nop,eol+1::+",
            "6:64:4:0:*,14:?30::*");
        assertThat(signatures).extracting(TcpSignature::line).containsExactly(13, 16, 19);
        assertThat(signatures.get(0).label()).hasToString("s:unix:Linux:3.11 and newer");
        assertThat(signatures.get(1).label().isGeneric()).isTrue();
        assertThat(signatures.get(1).label().flavor()).isEmpty();
        assertThat(signatures.get(1).hasRandomTtl()).isTrue();
        assertThat(signatures.get(2).label().isApplication()).isTrue();
        assertThat(signatures.get(2).label().systems()).containsExactly("@unix", "Windows");
        assertThat(database.mtuTable().lookup(1492)).contains("DSL");
        assertThat(database.mtuTable().lookup(1400)).isEmpty();
    }

    @Test
    void theFirstLabelOfAnMtuCounts() {
        P0fDatabase database = read("classes = unix\n[mtu]\nlabel = A\nsig = 1500\nlabel = B\nsig = 1500\n"
            + "[tcp:request]\nlabel = s:unix:L:\nsig = *:64:0:*:*,*::df:0\n");

        assertThat(database.mtuTable().lookup(1500)).contains("A");
    }

    @Test
    void aFlavorMayHoldColons() {
        assertThat(read(HEADER + "label = s:unix:Linux:3:4\nsig = *:64:0:*:*,*::df:0\n").requestSignatures()
            .get(0).label().flavor()).isEqualTo("3:4");
    }

    /** Lines p0f 3.09b refuses to start with too ({@link #p0fRefusesToStartWithTheSameLinesButAFew}), but a few. */
    static Stream<Arguments> malformedLines() {
        String label = "label = s:unix:Test:x\n";
        String sig = "sig = *:64:0:*:8192,0:mss:df:0";
        return Stream.of(
            Arguments.of("label = x:unix:L:3\n" + sig, ":4: the label's type must be s (specific) or g"),
            Arguments.of("label = s:foo:L:3\n" + sig, ":4: the label's class 'foo' is not declared"),
            Arguments.of("label = s:unix:L\n" + sig, ":4: a label is type:class:name:flavor"),
            Arguments.of("label = s:unix::3\n" + sig, ":4: the label's name is empty"),
            Arguments.of(sig, ":4: a sig must follow a label"),
            Arguments.of("label = s:!:T:x\n" + sig, ":5: an application's label (class !) needs a sys line"),
            Arguments.of(label + "sys = Linux\n" + sig, ":5: a sys line belongs right after an application's label"),
            Arguments.of("label = s:!:T:x\nsys = @foo\n" + sig, ":5: the sys entry '@foo' names a class not declared"),
            Arguments.of("label = s:!:T:x\nsys = L\n" + sig + "\nsys = L", ":7: a sys line belongs right after"),
            Arguments.of(label + "sig = 5:64:0:*:8192,0:mss:df:0", ":5: the IP version must be 4, 6 or *, not '5'"),
            Arguments.of(label + "sig = *:0:0:*:8192,0:mss:df:0", ":5: the initial TTL (ittl) must be a number from 1 to 255, not 0"),
            Arguments.of(label + "sig = *:256:0:*:8192,0:mss:df:0", "from 1 to 255, not 256"),
            Arguments.of(label + "sig = *:*:0:*:8192,0:mss:df:0", "not '*'"),
            Arguments.of(label + "sig = *:64+:0:*:8192,0:mss:df:0", "not '64+'"),
            Arguments.of(label + "sig = *:64:256:*:8192,0:mss:df:0", "IP options length (olen) must be a number from 0 to 255"),
            Arguments.of(label + "sig = *:64:0:65536:8192,0:mss:df:0", "the MSS must be a number from 0 to 65535"),
            Arguments.of(label + "sig = *:64:0:*:65536,0:mss:df:0", "the window size must be a number from 0 to 65535"),
            Arguments.of(label + "sig = *:64:0:*:mss*0,0:mss:df:0", "window multiplier in 'mss*0' must be a number from 1 to 1000"),
            Arguments.of(label + "sig = *:64:0:*:mtu*1001,0:mss:df:0", "from 1 to 1000, not 1001"),
            Arguments.of(label + "sig = *:64:0:*:%1,0:mss:df:0", "window divisor in '%1' must be a number from 2 to 65535"),
            Arguments.of(label + "sig = *:64:0:*:8192:mss:df:0", "the window field is wsize,scale, not '8192'"),
            Arguments.of(label + "sig = *:64:0:*:8192,256:mss:df:0", "the window scale must be a number from 0 to 255"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:eol:df:0", "the option layout 'eol' has an unknown option 'eol'"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss,eol+2,nop:df:0", "has eol+2 before other options"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:eol+256:df:0", "the eol padding must be a number from 0 to 255"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:?256:df:0", "the option number after ? must be"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:" + "nop,".repeat(24) + "nop:df:0", "has 25 options, p0f allows at most 24"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss,,nop:df:0", "has an unknown option ''"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss,:df:0", "the option layout 'mss,' has an unknown option ''"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss,eol+:df:0", "the eol padding must be a number from 0 to 255, not ''"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss,?:df:0", "the option number after ? must be a number"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss:df,:0", "unknown quirk '' in 'df,'"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss:foo:0", "unknown quirk 'foo'"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss:DF:0", "unknown quirk 'DF'"),
            Arguments.of(label + "sig = 6:64:0:*:8192,0:mss:df:0", "quirk 'df' is for IPv4 only, in a signature for IPv6"),
            Arguments.of(label + "sig = 4:64:0:*:8192,0:mss:flow:0", "quirk 'flow' is for IPv6 only, in a signature for IPv4"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss:df:1", "the payload class must be 0, + or *, not '1'"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss:df:0:0", "a sig has 8 fields"),
            Arguments.of(label + "sig = *:64:0:*:8192,0:mss:df:0 ", "the payload class must be 0, + or *, not '0 '"),
            Arguments.of(label + "sig = *:64:0:*:8192, 0:mss:df:0", "the window scale must be a number"),
            Arguments.of(label + "foo = bar\n" + sig, ":5: 'foo' does not belong in [tcp:request]"),
            Arguments.of(label + "ua_os = Linux\n" + sig, "'ua_os' does not belong in [tcp:request]"),
            Arguments.of(label + "label s:unix:L:x\n" + sig, ":5: not a 'name = value' line"),
            Arguments.of("classes = other\nlabel = s:other:L:3\n" + sig, ":4: 'classes' must come before the first section"),
            Arguments.of("[foo:bar]", ":4: unknown section [foo:bar]"),
            Arguments.of("[tcp:foo]", ":4: unknown section [tcp:foo]"),
            Arguments.of("[tcp:request] ", ":4: a section header must end with ]"),
            Arguments.of("[mtu]\nlabel = \nsig = 1500", ":5: an [mtu] label must not be empty"),
            Arguments.of("[mtu]\nlabel = A\nsig = 0", ":6: the MTU must be a number from 1 to 65535, not 0"),
            Arguments.of("[mtu]\nlabel = A\nsig = 1500x", "the MTU must be a number"),
            Arguments.of("[mtu]\nsig = 1500", ":5: an [mtu] sig must follow a label"),
            Arguments.of("[mtu]\nlabel = A\nsys = x", ":6: 'sys' does not belong in [mtu]"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedLines")
    void namesTheFileAndLineOfAMalformedLine(String body, String message) {
        assertThatThrownBy(() -> read(HEADER + body + "\n"))
            .isInstanceOf(P0fDatabaseException.class)
            .hasMessageStartingWith("test.fp:")
            .hasMessageContaining(message);
    }

    /** Forms above that p0f 3.09b lets through by accident (64+ as 64, an empty option or quirk as none...). */
    private static final Set<String> ONLY_THIS_READER_REFUSES = Set.of("not '64+'",
        "the option layout 'mss,' has an unknown option ''", "the eol padding must be a number from 0 to 255, not ''",
        "the option number after ? must be a number", "unknown quirk '' in 'df,'");

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedLines")
    void p0fRefusesToStartWithTheSameLinesButAFew(String body, String message, @TempDir Path directory)
        throws IOException {
        assumeThat(Files.isExecutable(RealP0f.binary())).as("p0f at " + RealP0f.binary()).isTrue();

        Commands.Result p0f = loadInP0f(HEADER + body + "\n", directory);

        if (ONLY_THIS_READER_REFUSES.contains(message)) {
            assertThat(p0f.output()).as("p0f -f with: %s", body).contains("Loaded 1 signature");
        } else {
            assertThat(p0f.output()).as("p0f -f with: %s", body).contains("PROGRAM ABORT");
            assertThat(p0f.status()).isNotZero();
        }
    }

    /** p0f reading a database, then an empty capture file (a pcap header, link type Ethernet), then ending. */
    private static Commands.Result loadInP0f(String text, Path directory) throws IOException {
        Path database = Files.write(directory.resolve("p0f.fp"), text.getBytes(StandardCharsets.ISO_8859_1));
        Path capture = Files.write(directory.resolve("empty.pcap"), Hex.bytes("d4c3b2a1 0200 0400 00000000 00000000"
            + " ffff0000 01000000"));
        return Commands.run(List.of(RealP0f.binary().toString(), "-f", database.toString(), "-r", capture.toString()), "",
            Duration.ofSeconds(10));
    }

    @Test
    void aDatabaseWithoutSynSignaturesIsRefused() {
        assertThatThrownBy(() -> read("classes = unix\n[mtu]\nlabel = A\nsig = 1500\n"))
            .isInstanceOf(P0fDatabaseException.class)
            .hasMessage("test.fp: no [tcp:request] signatures: is this p0f's p0f.fp?");
    }

    @Test
    void loadsEveryStockSignature() throws IOException {
        Path stock = Paths.get("/etc/p0f/p0f.fp");
        assumeThat(Files.exists(stock)).as("p0f's stock database (apt-get install p0f)").isTrue();

        P0fDatabase database = P0fDatabase.load(stock);

        assertThat(database.requestSignatures()).hasSize(SignatureLines.tcpRequest(stock).size());
        assertThat(database.mtuTable().lookup(1500)).contains("Ethernet or modem");
        assertThat(database.source()).isEqualTo(stock.toString());
    }
}
