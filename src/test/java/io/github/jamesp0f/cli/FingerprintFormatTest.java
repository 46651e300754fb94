package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.fingerprint.Fingerprint;

class FingerprintFormatTest {

    private static final Fingerprint WINDOWS = Fingerprint.builder(3)
        .firstSeen(1_700_000_000).lastSeen(1_700_000_060).totalConnections(2).distance(15).badSoftware(0)
        .osMatchQuality(0).osName("Windows").osFlavor("7 or 8").linkType("Ethernet or modem").build();

    @Test
    void jsonHasEveryV3FieldInApiOrderWithNullForUnknown() {
        assertThat(FingerprintFormat.json(WINDOWS)).isEqualTo("{\"first_seen\":1700000000,\"last_seen\":1700000060,"
            + "\"total_conn\":2,\"uptime_min\":null,\"up_mod_days\":null,\"last_nat\":null,\"last_chg\":null,"
            + "\"distance\":15,\"bad_sw\":0,\"os_match_q\":0,\"os_name\":\"Windows\",\"os_flavor\":\"7 or 8\","
            + "\"http_name\":null,\"http_flavor\":null,\"link_type\":\"Ethernet or modem\",\"language\":null}");
    }

    @Test
    void jsonEscapesWhatTheNetworkSent() {
        Fingerprint hostile = Fingerprint.builder(3).osName("a\"b\\c\nd\u0001\u007f\u2028").build();

        assertThat(FingerprintFormat.json(hostile))
            .contains("\"os_name\":\"a\\\"b\\\\c\\nd\\u0001\\u007f\\u2028\"");
    }

    @Test
    void textNamesTheOsThenEveryKnownField() {
        String text = FingerprintFormat.text("127.0.0.77", WINDOWS);

        assertThat(text).startsWith("127.0.0.77: Windows 7 or 8" + System.lineSeparator())
            .contains("  first_seen   2023-11-14T22:13:20Z (1700000000)")
            .contains("  distance     15")
            .contains("  link_type    Ethernet or modem")
            .doesNotContain("uptime_min").doesNotContain("genre");
    }

    @Test
    void textShowsControlCharactersEscaped() {
        Fingerprint hostile = Fingerprint.builder(3).osName("Evil\u001b[2J").build();

        assertThat(FingerprintFormat.text("192.0.2.1", hostile)).contains("Evil\\x1b[2J").doesNotContain("\u001b");
    }

    @Test
    void textSaysSoWhenNoOsWasRecognised() {
        Fingerprint seenOnly = Fingerprint.builder(3).distance(255).totalConnections(0).build();

        assertThat(FingerprintFormat.text("::1", seenOnly)).startsWith("::1: no operating system recognised");
    }
}
