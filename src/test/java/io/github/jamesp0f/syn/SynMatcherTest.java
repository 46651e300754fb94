package io.github.jamesp0f.syn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.fingerprint.P0fVersion;

/**
 * p0f's matching rules on a small database. Each outcome here is what p0f 3.09b answered for the
 * same database and SYN ({@code SynOracleIT} compares the two on whole databases).
 */
class SynMatcherTest {

    private static final String MSS_NOP_NOP_SOK = "020405b4 01010402";

    private static final SynMatcher MATCHER = new SynMatcher(P0fDatabaseTest.read("classes = win,unix,other\n"
        + "[mtu]\nlabel = Ethernet or modem\nsig = 1500\nlabel = small\nsig = 140\n"
        + "[tcp:request]\n"
        + "label = g:unix:GenericFirst:\nsig = *:64:0:*:4003,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:SpecificLater:\nsig = *:64:0:*:4003,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = g:unix:GenericFuzzy:\nsig = *:64:0:*:4005,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:SpecificFuzzy:\nsig = *:128:0:*:4005,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:!:Tool:fuzzy first\nsys = @unix\nsig = *:64:0:*:4004,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:OsAfterTool:\nsig = *:64:0:*:4004,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Ttl100:\nsig = *:100:0:*:4000,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:RandomTtl:\nsig = *:100-:0:*:4001,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Mss7:\nsig = *:64:0:*:mss*7,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Mtu5:\nsig = *:64:0:*:mtu*5,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Mod700:\nsig = *:64:0:*:%700,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:V4Only:\nsig = 4:64:0:*:4006,*:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Sendsyn:\nsig = *:64:0:1331:1337,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Everything:with a long flavor\nsig = *:64:0:*:1234,*:mss,nop,nop,sok:df,id+:*\n"));

    private static SynMatch match(SynBytes syn) {
        return MATCHER.match(ByteBuffer.wrap(syn.options(MSS_NOP_NOP_SOK).bytes()));
    }

    private static String osName(SynMatch match) {
        return match.os().map(SignatureLabel::name).orElse("");
    }

    @Test
    void aSpecificSignatureWinsOverAnEarlierGenericOne() {
        SynMatch match = match(SynBytes.ipv4().window(4003));

        assertThat(osName(match)).isEqualTo("SpecificLater");
        assertThat(match.osMatchQuality()).isZero();
    }

    @Test
    void anExactGenericMatchWinsOverALaterFuzzySpecificOne() {
        SynMatch match = match(SynBytes.ipv4().window(4005));

        assertThat(osName(match)).isEqualTo("GenericFuzzy");
        assertThat(match.osMatchQuality()).isEqualTo(2);
    }

    @Test
    void theFirstFuzzyMatchCountsGenericOrNot() {
        SynMatch match = match(SynBytes.ipv4().window(4005).ipId(0).trafficClass(1));

        assertThat(osName(match)).isEqualTo("GenericFuzzy");
        assertThat(match.isFuzzy()).isTrue();
        assertThat(match.osMatchQuality()).isEqualTo(3);
    }

    @Test
    void anApplicationsFuzzyMatchFirstMeansNoMatchAtAll() {
        SynMatch match = match(SynBytes.ipv4().window(4004).trafficClass(1));

        assertThat(match.signature()).isEmpty();
        assertThat(match.os()).isEmpty();
        assertThat(match.linkType()).contains("Ethernet or modem");
    }

    @Test
    void anApplicationIsNeitherAnOsNorALink() {
        SynMatch match = match(SynBytes.ipv4().window(4004));

        assertThat(match.signature().map(s -> s.label().name())).contains("Tool");
        assertThat(match.os()).isEmpty();
        assertThat(match.linkType()).isEmpty();
        assertThat(match.toFingerprint().fields()).containsOnlyKeys("distance");
    }

    @Test
    void theDistanceComesFromTheSignaturesTtlUpTo35HopsBelowIt() {
        assertThat(match(SynBytes.ipv4().window(4000).ttl(90)).distance()).hasValue(10);
        assertThat(match(SynBytes.ipv4().window(4000).ttl(65))).satisfies(m -> {
            assertThat(m.distance()).hasValue(35);
            assertThat(m.isFuzzy()).isFalse();
        });
        assertThat(match(SynBytes.ipv4().window(4000).ttl(64))).satisfies(m -> {
            assertThat(m.distance()).hasValue(0);
            assertThat(m.isFuzzy()).isTrue();
        });
        assertThat(match(SynBytes.ipv4().window(4000).ttl(101))).satisfies(m -> {
            assertThat(m.distance()).hasValue(27);
            assertThat(m.isFuzzy()).isTrue();
        });
    }

    @Test
    void aRandomTtlMatchesAnyLowerTtlAndTellsNoDistance() {
        assertThat(match(SynBytes.ipv4().window(4001).ttl(20))).satisfies(m -> {
            assertThat(osName(m)).isEqualTo("RandomTtl");
            assertThat(m.isFuzzy()).isFalse();
            assertThat(m.distance()).isEmpty();
        });
        assertThat(match(SynBytes.ipv4().window(4001).ttl(101)).signature()).isEmpty();
    }

    @Test
    void theWindowIsReadAsAMultipleOfTheMssFirstThenOfTheMtu() {
        assertThat(osName(MATCHER.match(ByteBuffer.wrap(SynBytes.ipv4().window(700).options("02040064 01010402")
            .bytes())))).isEqualTo("Mss7");
        assertThat(osName(MATCHER.match(ByteBuffer.wrap(SynBytes.ipv4().window(7500).options("0204058c 01010402")
            .bytes())))).isEqualTo("Mtu5");
        assertThat(osName(MATCHER.match(ByteBuffer.wrap(SynBytes.ipv4().window(1400).options("02040064 01010402")
            .bytes())))).isEqualTo("Mod700");
    }

    @Test
    void aSignatureForBothVersionsIgnoresIpv4QuirksOnIpv6() {
        SynMatch match = match(SynBytes.ipv6().window(4003));

        assertThat(osName(match)).isEqualTo("SpecificLater");
        assertThat(match.isFuzzy()).isFalse();
        assertThat(match(SynBytes.ipv6().window(4006)).signature()).isEmpty();
        assertThat(osName(match(SynBytes.ipv4().window(4006)))).isEqualTo("V4Only");
        assertThat(osName(match(SynBytes.ipv6().window(4003).flowLabel(1)))).isEmpty();
    }

    @Test
    void theLinkTypeComesFromTheMssPlusHeaders() {
        assertThat(match(SynBytes.ipv4().window(4003)).linkType()).contains("Ethernet or modem");
        assertThat(match(SynBytes.ipv6().window(4003)).linkType()).isEmpty();
        assertThat(MATCHER.match(ByteBuffer.wrap(SynBytes.ipv6().options("020405a0 01010402").bytes())).linkType())
            .contains("Ethernet or modem");
        assertThat(MATCHER.match(ByteBuffer.wrap(SynBytes.ipv4().options("01010402").bytes())).linkType()).isEmpty();
    }

    @Test
    void p0fsOwnProbeIsNeverNamed() {
        SynMatch match = MATCHER.match(ByteBuffer.wrap(SynBytes.ipv4().window(1337).options("02040533 01010402")
            .bytes()));

        assertThat(match.signature().map(s -> s.label().name())).contains("Sendsyn");
        assertThat(match.os()).isEmpty();
        assertThat(match.linkType()).isEmpty();
        assertThat(match.distance()).hasValue(0);
    }

    @Test
    void noMatchStillTellsTheGuessedDistanceAndLink() {
        SynMatch match = MATCHER.match(ByteBuffer.wrap(SynBytes.ipv4().ttl(50).options("020405b4").bytes()));

        assertThat(match.signature()).isEmpty();
        assertThat(match.osMatchQuality()).isZero();
        assertThat(match.toFingerprint().fields()).containsOnlyKeys("distance", "link_type", "link")
            .containsEntry("distance", 14).containsEntry("link_type", "Ethernet or modem");
    }

    @Test
    void convertsToTheOneFingerprintModelWithWhatOneSynCanTell() {
        Fingerprint fingerprint = match(SynBytes.ipv4().ttl(60).window(1234)).toFingerprint();

        assertThat(fingerprint.version()).isEqualTo(P0fVersion.V3);
        assertThat(fingerprint.osDescription()).isEqualTo("Everything with a long flavor");
        assertThat(fingerprint.osMatchQuality()).hasValue(0);
        assertThat(fingerprint.distance()).hasValue(4);
        assertThat(fingerprint.linkType()).contains("Ethernet or modem");
        assertThat(fingerprint.firstSeen()).isEmpty();
        assertThat(fingerprint.totalConnections()).isEmpty();
        assertThat(fingerprint.uptimeMinutes()).isEmpty();
    }
}
