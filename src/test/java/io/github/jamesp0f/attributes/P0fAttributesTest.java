package io.github.jamesp0f.attributes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.jamesp0f.fingerprint.Fingerprint;

class P0fAttributesTest {

    static final Fingerprint WINDOWS = Fingerprint.builder(3)
        .osName("Windows").osFlavor("7 or 8").linkType("Ethernet or modem").distance(15)
        .uptimeMinutes(185).totalConnections(3).firstSeen(1_700_000_000L).lastSeen(1_700_000_100L)
        .badSoftware(0).osMatchQuality(0).build();

    @Test
    void namesEveryFieldUnderTheP0fPrefixWithStringValues() {
        List<Attribute> attributes = P0fAttributes.toAttributes(WINDOWS);

        assertThat(attributes).extracting(a -> a.getName().asString()).allMatch(name -> name.startsWith("p0f."))
            .contains("p0f.version", "p0f.os", "p0f.os_name", "p0f.os_flavor", "p0f.link_type", "p0f.distance",
                "p0f.uptime_min", "p0f.genre", "p0f.detail", "p0f.uptime", "p0f.link", "p0f.total_conn");
        assertThat(attributes).extracting(a -> a.getValue().value()).allMatch(String.class::isInstance);
        assertThat(attributes).contains(
            new Attribute(AttributeName.of("p0f.os"), AttributeValue.of("Windows 7 or 8")),
            new Attribute(AttributeName.of("p0f.distance"), AttributeValue.of("15")),
            new Attribute(AttributeName.of("p0f.uptime"), AttributeValue.of("3")),
            new Attribute(AttributeName.of("p0f.genre"), AttributeValue.of("Windows")));
    }

    @Test
    void absentFieldsGetNoAttribute() {
        List<Attribute> attributes = P0fAttributes.toAttributes(Fingerprint.builder(3).distance(255).build());

        assertThat(attributes).extracting(a -> a.getName().asString()).containsExactly("p0f.version");
    }

    @Test
    void valuesRoundTripThroughJamesJsonSerialization() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        for (Attribute attribute : P0fAttributes.toAttributes(WINDOWS)) {
            JsonNode json = attribute.getValue().toJson().orElseThrow();
            mail.setAttribute(new Attribute(attribute.getName(), AttributeValue.fromJson(json)));
            assertThat(AttributeValue.fromJsonString(json.toString())).isEqualTo(attribute.getValue());
        }

        assertThat(P0fAttributes.fingerprint(mail)).contains(WINDOWS);
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        P0fAttributes.attach(mail, WINDOWS);

        assertThat(P0fAttributes.fingerprint(mail)).contains(WINDOWS);
        assertThat(P0fAttributes.osDescription(mail)).contains("Windows 7 or 8");
        assertThat(P0fAttributes.isPresent(mail)).isTrue();
    }

    @Test
    void aMailWithoutAttributesHasNoFingerprint() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();

        assertThat(P0fAttributes.fingerprint(mail)).isEmpty();
        assertThat(P0fAttributes.osDescription(mail)).isEmpty();
    }

    @Test
    void anOsAttributeWithoutVersionIsNotAFingerprint() throws Exception {
        FakeMail mail = FakeMail.builder().name("m")
            .attribute(new Attribute(P0fAttributes.OS, AttributeValue.of("Windows 7 or 8"))).build();

        assertThat(P0fAttributes.osDescription(mail)).isEmpty();
    }

    @Test
    void skipsFieldsThatAreNotItsOwnFormat() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        P0fAttributes.attach(mail, WINDOWS);
        mail.setAttribute(new Attribute(AttributeName.of("p0f.distance"), AttributeValue.of("far")));

        assertThat(P0fAttributes.fingerprint(mail).orElseThrow().distance()).isEmpty();
        assertThat(P0fAttributes.fingerprint(mail).orElseThrow().osName()).contains("Windows");
    }
}
