package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;

class HostnamePatternsTest {

    @Test
    void aDomainMatchesItselfAndTheNamesUnderIt() throws Exception {
        HostnamePatterns patterns = HostnamePatterns.parse("test", "outlook.com");

        assertThat(patterns.match("outlook.com")).contains("outlook.com");
        assertThat(patterns.match("mail-ab1.outbound.protection.outlook.com")).contains("outlook.com");
        assertThat(patterns.match("evil-outlook.com")).isEmpty();
        assertThat(patterns.match("outlook.com.attacker.example")).isEmpty();
    }

    @Test
    void aLeadingDotMatchesOnlyNamesUnderIt() throws Exception {
        HostnamePatterns patterns = HostnamePatterns.parse("test", ".outbound.protection.outlook.com");

        assertThat(patterns.match("mail-ab1.outbound.protection.outlook.com")).isPresent();
        assertThat(patterns.match("outbound.protection.outlook.com")).isEmpty();
    }

    @Test
    void aRegexIsSearchedCaseInsensitively() throws Exception {
        HostnamePatterns patterns = HostnamePatterns.parse("test", "/^smtp\\d+\\.smtpout\\.orange\\.fr$/");

        assertThat(patterns.match("smtp12.smtpout.orange.fr")).contains("/^smtp\\d+\\.smtpout\\.orange\\.fr$/");
        assertThat(patterns.match("smtpx.smtpout.orange.fr")).isEmpty();
    }

    @Test
    void entriesMaySitOnOneLineAndCommentsAreSkipped() throws Exception {
        HostnamePatterns patterns = HostnamePatterns.parse("test", "# big senders\na.example, b.example c.example\n\n");

        assertThat(patterns.size()).isEqualTo(3);
        assertThat(patterns.match("mx.c.example")).contains("c.example");
    }

    @Test
    void theDefaultListCoversMicrosoftsOutboundPools() {
        HostnamePatterns defaults = HostnamePatterns.defaults();

        assertThat(defaults.match("mail-db5eur03on2101.outbound.protection.outlook.com")).isPresent();
        assertThat(defaults.match("mail-mw2nam12on2071.outbound.protection.outlook.com")).isPresent();
        assertThat(defaults.match("pc42.dsl.example.net")).isEmpty();
    }

    @Test
    void badEntriesAreRefusedNamingTheSourceLineAndEntry() {
        assertThatThrownBy(() -> HostnamePatterns.parse("<exemptHostnames>", "ok.example\nbad_name!"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("<exemptHostnames> line 2: 'bad_name!'");
        assertThatThrownBy(() -> HostnamePatterns.parse("f", "/unclosed"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("'/unclosed'");
        assertThatThrownBy(() -> HostnamePatterns.parse("f", "/([/"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a valid regular expression");
    }
}
