package io.github.jamesp0f.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void unknownWireValuesAreAbsent() {
        Fingerprint fingerprint = Fingerprint.builder(3)
            .firstSeen(0).uptimeMinutes(0).distance(255).osName("").linkType("Ethernet or modem")
            .totalConnections(1).badSoftware(0)
            .build();

        assertThat(fingerprint.firstSeen()).isEmpty();
        assertThat(fingerprint.uptimeMinutes()).isEmpty();
        assertThat(fingerprint.distance()).isEmpty();
        assertThat(fingerprint.osName()).isEmpty();
        assertThat(fingerprint.fields()).containsOnlyKeys("total_conn", "bad_sw", "link_type", "link");
    }

    @Test
    void classicNamesAreDerivedFromV3Fields() {
        Fingerprint fingerprint = Fingerprint.builder(3)
            .osName("Windows").osFlavor("7 or 8").uptimeMinutes(150).distance(15).linkType("Ethernet or modem")
            .build();

        assertThat(fingerprint.osDescription()).isEqualTo("Windows 7 or 8");
        assertThat(fingerprint.fields())
            .containsEntry("genre", "Windows")
            .containsEntry("detail", "7 or 8")
            .containsEntry("uptime", 2L)
            .containsEntry("uptime_min", 150L)
            .containsEntry("link", "Ethernet or modem")
            .containsEntry("distance", 15);
    }
}
