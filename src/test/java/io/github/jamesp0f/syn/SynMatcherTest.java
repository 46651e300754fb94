package io.github.jamesp0f.syn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.fingerprint.P0fVersion;

/**
 * p0f's matching rules on {@link RuleSyn}'s small database. {@link SynOracleTest} sends the same
 * SYNs to a real p0f with the same database and finds the same answers.
 */
class SynMatcherTest {

    private static final SynMatcher MATCHER = new SynMatcher(P0fDatabaseTest.read(RuleSyn.DATABASE));

    private static SynMatch match(RuleSyn rule) {
        return MATCHER.match(ByteBuffer.wrap(rule.syn().bytes()));
    }

    private static String osName(RuleSyn rule) {
        return match(rule).os().map(SignatureLabel::name).orElse("");
    }

    @Test
    void aSpecificSignatureWinsOverAnEarlierGenericOne() {
        assertThat(osName(RuleSyn.SPECIFIC_AFTER_GENERIC)).isEqualTo("SpecificLater");
        assertThat(match(RuleSyn.SPECIFIC_AFTER_GENERIC).osMatchQuality()).isZero();
    }

    @Test
    void anExactGenericMatchWinsOverALaterFuzzySpecificOne() {
        assertThat(osName(RuleSyn.GENERIC_BEFORE_FUZZY)).isEqualTo("GenericFuzzy");
        assertThat(match(RuleSyn.GENERIC_BEFORE_FUZZY).osMatchQuality()).isEqualTo(2);
    }

    @Test
    void theFirstFuzzyMatchCountsGenericOrNot() {
        SynMatch match = match(RuleSyn.FUZZY_GENERIC_FIRST);

        assertThat(osName(RuleSyn.FUZZY_GENERIC_FIRST)).isEqualTo("GenericFuzzy");
        assertThat(match.isFuzzy()).isTrue();
        assertThat(match.osMatchQuality()).isEqualTo(3);
    }

    @Test
    void anApplicationsFuzzyMatchFirstMeansNoMatchAtAll() {
        SynMatch match = match(RuleSyn.APPLICATION_FUZZY_FIRST);

        assertThat(match.signature()).isEmpty();
        assertThat(match.os()).isEmpty();
        assertThat(match.linkType()).contains("Ethernet or modem");
    }

    @Test
    void anApplicationIsNeitherAnOsNorALink() {
        SynMatch match = match(RuleSyn.APPLICATION);

        assertThat(match.signature().map(s -> s.label().name())).contains("Tool");
        assertThat(match.os()).isEmpty();
        assertThat(match.linkType()).isEmpty();
        assertThat(match.toFingerprint().fields()).containsOnlyKeys("distance");
    }

    @Test
    void theDistanceComesFromTheSignaturesTtlUpTo35HopsBelowIt() {
        assertThat(match(RuleSyn.TTL_10_BELOW).distance()).hasValue(10);
        assertThat(match(RuleSyn.TTL_35_BELOW)).satisfies(m -> {
            assertThat(m.distance()).hasValue(35);
            assertThat(m.isFuzzy()).isFalse();
        });
        assertThat(match(RuleSyn.TTL_36_BELOW)).satisfies(m -> {
            assertThat(m.distance()).hasValue(0);
            assertThat(m.isFuzzy()).isTrue();
        });
        assertThat(match(RuleSyn.TTL_ABOVE)).satisfies(m -> {
            assertThat(m.distance()).hasValue(27);
            assertThat(m.isFuzzy()).isTrue();
        });
    }

    @Test
    void aRandomTtlMatchesAnyLowerTtlAndTellsNoDistance() {
        assertThat(match(RuleSyn.RANDOM_TTL_BELOW)).satisfies(m -> {
            assertThat(m.os().map(SignatureLabel::name)).contains("RandomTtl");
            assertThat(m.isFuzzy()).isFalse();
            assertThat(m.distance()).isEmpty();
        });
        assertThat(match(RuleSyn.RANDOM_TTL_ABOVE).signature()).isEmpty();
    }

    @Test
    void theWindowIsReadAsAMultipleOfTheMssFirstThenOfTheMtu() {
        assertThat(osName(RuleSyn.MSS_MULTIPLE)).isEqualTo("Mss7");
        assertThat(osName(RuleSyn.MTU_MULTIPLE)).isEqualTo("Mtu5");
        assertThat(osName(RuleSyn.MODULO)).isEqualTo("Mod700");
    }

    @Test
    void aSignatureForBothVersionsIgnoresIpv4QuirksOnIpv6() {
        assertThat(osName(RuleSyn.IPV6_FOR_BOTH)).isEqualTo("SpecificLater");
        assertThat(match(RuleSyn.IPV6_FOR_BOTH).isFuzzy()).isFalse();
        assertThat(match(RuleSyn.IPV6_FLOW).signature()).isEmpty();
    }

    @Test
    void aSignaturesIpVersionIsNotHeldAgainstTheSynAsInTheDaemon() {
        assertThat(osName(RuleSyn.IPV4_FOR_IPV4)).isEqualTo("V4Only");
        assertThat(osName(RuleSyn.IPV6_FOR_IPV4)).isEqualTo("V4Only");
        assertThat(match(RuleSyn.IPV6_FOR_IPV4).isFuzzy()).as("its df and id+ are missing").isTrue();
    }

    @Test
    void theLinkTypeComesFromTheMssPlusHeaders() {
        assertThat(match(RuleSyn.SPECIFIC_AFTER_GENERIC).linkType()).contains("Ethernet or modem");
        assertThat(match(RuleSyn.IPV6_FOR_BOTH).linkType()).isEmpty();
        assertThat(match(RuleSyn.IPV6_MSS_1440).linkType()).contains("Ethernet or modem");
        assertThat(match(RuleSyn.NO_MSS).linkType()).isEmpty();
    }

    @Test
    void p0fsOwnProbeIsNeverNamed() {
        SynMatch match = match(RuleSyn.PROBE);

        assertThat(match.signature().map(s -> s.label().name())).contains("Sendsyn");
        assertThat(match.os()).isEmpty();
        assertThat(match.linkType()).isEmpty();
        assertThat(match.distance()).hasValue(0);
    }

    @Test
    void noMatchStillTellsTheGuessedDistanceAndLink() {
        SynMatch match = match(RuleSyn.NO_MATCH);

        assertThat(match.signature()).isEmpty();
        assertThat(match.osMatchQuality()).isZero();
        assertThat(match.toFingerprint().fields()).containsOnlyKeys("distance", "link_type", "link")
            .containsEntry("distance", 14).containsEntry("link_type", "Ethernet or modem");
    }

    @Test
    void convertsToTheOneFingerprintModelWithWhatOneSynCanTell() {
        Fingerprint fingerprint = match(RuleSyn.LONG_FLAVOR).toFingerprint();

        assertThat(fingerprint.version()).isEqualTo(P0fVersion.V3);
        assertThat(fingerprint.osDescription()).isEqualTo("Everything with a flavor longer than 32 bytes, cut by the API");
        assertThat(fingerprint.osMatchQuality()).hasValue(0);
        assertThat(fingerprint.distance()).hasValue(4);
        assertThat(fingerprint.linkType()).contains("Ethernet or modem");
        assertThat(fingerprint.firstSeen()).isEmpty();
        assertThat(fingerprint.totalConnections()).isEmpty();
        assertThat(fingerprint.uptimeMinutes()).isEmpty();
    }
}
