package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Assumptions;
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

    @Test
    void unknownSourceStopsJames() {
        assertStartFailsSaying("<source> must be p0f (the p0f daemon), kernel", "source", "kernal");
    }

    @Test
    void unreadableSignatureDatabaseStopsJames() {
        assertStartFailsSaying("<signatureDatabase> cannot be read: file://conf/no-such.fp", "source", "auto",
            "signatureDatabase", "file://conf/no-such.fp");
    }

    /** James 3.8 serves SMTP on NIO only: the kernel's saved SYN can never be read there. */
    @Test
    void theKernelSourceStopsJamesWithoutTheEpollTransport() {
        Assumptions.assumeTrue(JamesTestServer.jamesLine().equals("3.8"), "James 3.9 has the epoll transport");
        assertStartFailsSaying("<source>kernel needs James 3.9 or later with <useEpoll>true</useEpoll>", "source",
            "kernel");
    }

    private static void assertStartFailsNaming(String element, String value, String expectedMessage) {
        assertStartFailsSaying(expectedMessage, element, value);
    }

    /** {@code elements}: name, value, ... set in the sample's handler element. */
    private static void assertStartFailsSaying(String expectedMessage, String... elements) {
        XmlConfig smtp = SampleConfigs.smtpServer(FreePorts.next(), "/run/p0f-it/none.sock");
        for (int i = 0; i < elements.length; i += 2) {
            smtp.setChild(SampleConfigs.HANDLER, elements[i], elements[i + 1]);
        }
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
