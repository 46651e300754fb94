package io.github.jamesp0f.matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;

class RemoteOsMatchesTest {

    static RemoteOsMatches matcher(String condition) throws MessagingException {
        RemoteOsMatches matcher = new RemoteOsMatches();
        matcher.init(FakeMatcherConfig.builder().matcherName("RemoteOsMatches").condition(condition).build());
        return matcher;
    }

    static FakeMail mailFrom(String osName, String osFlavor) throws MessagingException {
        FakeMail mail = FakeMail.builder().name("m").recipients("a@example.test", "b@example.test").build();
        P0fAttributes.attach(mail, Fingerprint.builder(3).osName(osName).osFlavor(osFlavor).build());
        return mail;
    }

    @Test
    void matchesTheOsPhraseCaseInsensitively() throws Exception {
        FakeMail mail = mailFrom("Windows", "7 or 8");

        assertThat(matcher("^windows 7").match(mail))
            .containsExactly(new MailAddress("a@example.test"), new MailAddress("b@example.test"));
    }

    @Test
    void doesNotMatchAnotherOs() throws Exception {
        assertThat(matcher("^Windows").match(mailFrom("Linux", "3.11 and newer"))).isEmpty();
    }

    @Test
    void caseSensitivityCanBeAskedFor() throws Exception {
        assertThat(matcher("(?-i)^windows").match(mailFrom("Windows", "XP"))).isEmpty();
    }

    @Test
    void aMailWithoutFingerprintNeverMatches() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipients("a@example.test").build();

        assertThat(matcher(".*").match(mail)).isEmpty();
    }

    @Test
    void aBadRegexIsRefusedNamingIt() {
        assertThatThrownBy(() -> matcher("Windows (XP"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'Windows (XP'");
    }

    @Test
    void anEmptyConditionIsRefused() {
        assertThatThrownBy(() -> matcher(""))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("needs a regular expression");
    }
}
