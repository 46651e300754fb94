package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.james.XmlConfig;

/** The commented recipe in the sample smtpserver.xml, once uncommented, is a valid configuration. */
class GreylistSampleConfigTest {

    private static final Path SAMPLE = XmlConfig.SAMPLES.resolve("smtpserver.xml");
    private static final String START = "<handler class=\"io.github.jamesp0f.greylist.P0fGreylistHandler\">";

    @Test
    void recipeInTheSampleParses() throws Exception {
        String sample = Files.readString(SAMPLE);
        int start = sample.indexOf(START);
        assertThat(start).as("greylist recipe in " + SAMPLE).isNotNegative();
        String handler = sample.substring(start, sample.indexOf("</handler>", start) + "</handler>".length());
        XMLConfiguration xml = new XMLConfiguration();
        new FileHandler(xml).load(new StringReader(handler));

        GreylistConfig config = GreylistConfig.parse(xml);

        assertThat(config.criteria().toString()).contains("os ^windows");
        assertThat(config.periods().blockMillis()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(config.jdbc()).isPresent();
        assertThat(config.jdbc().get().table()).isEqualTo("p0f_greylist");
        assertThat(config.keyBy()).isEqualTo(KeyBy.ADDRESS);
        assertThat(config.autoWhitelistAfter()).isEqualTo(GreylistConfig.DEFAULT_AUTO_WHITELIST_AFTER);
        assertThat(config.dnsTimeout()).isEqualTo(GreylistConfig.DEFAULT_DNS_TIMEOUT);
        assertThat(config.exemptHostnames().match("mail-ab1.outbound.protection.outlook.com")).isPresent();
    }
}
