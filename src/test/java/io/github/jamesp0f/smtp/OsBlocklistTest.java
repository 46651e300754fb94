package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** qpsmtpd's p0f_blocked_operating_systems semantics. */
class OsBlocklistTest {

    @Test
    void aPhraseMatchesTheWholeOsIgnoringCase() throws Exception {
        OsBlocklist list = OsBlocklist.parse("test", "windows xp");

        assertThat(list.match("Windows", "Windows XP")).contains("windows xp");
        assertThat(list.match("Windows", "Windows 7 or 8")).isEmpty();
    }

    @Test
    void aPhraseEqualToTheOsNameMatchesEveryFlavor() throws Exception {
        OsBlocklist list = OsBlocklist.parse("test", "Windows");

        assertThat(list.match("Windows", "Windows 7 or 8")).contains("Windows");
        assertThat(list.match("Windows", "Windows XP")).contains("Windows");
    }

    @Test
    void aPhraseIsNotASubstring() throws Exception {
        assertThat(OsBlocklist.parse("test", "Win").match("Windows", "Windows XP")).isEmpty();
    }

    @Test
    void aRegexIsSearchedCaseInsensitively() throws Exception {
        OsBlocklist list = OsBlocklist.parse("test", "/xp|2000/");

        assertThat(list.match("Windows", "Windows XP")).contains("/xp|2000/");
        assertThat(list.match("Windows", "Windows 7 or 8")).isEmpty();
    }

    @Test
    void commentsAndBlankLinesAreIgnored() throws Exception {
        OsBlocklist list = OsBlocklist.parse("test", "# none\n\n   \n");

        assertThat(list.isEmpty()).isTrue();
    }

    @Test
    void anOsWithoutNameMatchesNoPhrase() throws Exception {
        assertThat(OsBlocklist.parse("test", "Windows").match("", "")).isEmpty();
    }
}
