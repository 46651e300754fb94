package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.XmlConfig;

/** A real James with the jar in extensions-jars refuses to start on a bad handler element, naming it. */
class InvalidHandlerConfigurationIT {

    @Test
    void badRegexInBlocklistStopsJames() {
        assertStartFailsNaming("blockedOperatingSystems", "/Windows (XP/", "bad regular expression");
    }

    @Test
    void unknownVersionStopsJames() {
        assertStartFailsNaming("version", "4", "<version>");
    }

    @Test
    void negativeTimeoutStopsJames() {
        assertStartFailsNaming("timeout", "-5ms", "<timeout>");
    }

    @Test
    void unreadableBlocklistFileStopsJames() {
        assertStartFailsNaming("blockedOperatingSystemsFile", "file://conf/no-such-blocklist",
            "<blockedOperatingSystemsFile> cannot be read: file://conf/no-such-blocklist");
    }

    private static void assertStartFailsNaming(String element, String value, String expectedMessage) {
        XmlConfig smtp = SampleConfigs.smtpServer(FreePorts.next(), "/run/p0f-it/none.sock")
            .setChild(SampleConfigs.HANDLER, element, value);
        assertThatThrownBy(() -> JamesTestServer.builder()
                .smtpServer(smtp)
                .mailetContainer(SampleConfigs.mailetContainer())
                .start().close())
            .satisfies(error -> assertThat(messages(error)).contains(expectedMessage));
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
