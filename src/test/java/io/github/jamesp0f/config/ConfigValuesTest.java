package io.github.jamesp0f.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "2s,PT2S", "5m,PT5M", "4h,PT4H", "36d,PT864H", "0,PT0S", " 10 S ,PT10S"})
    void durationsNameTheirUnit(String text, String expected) throws ConfigurationException {
        assertThat(ConfigValues.parseDuration("timeout", text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"300", "-5ms", "soon", "1 week", "5 minutes", "1.5s"})
    void otherDurationsAreRefusedNamingTheElement(String text) {
        assertThatThrownBy(() -> ConfigValues.parseDuration("blockTime", text))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("<blockTime>")
            .hasMessageContaining(text);
    }

    @Test
    void blankElementsAreNotSet() throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("timeout", "  ");

        assertThat(ConfigValues.text(config, "timeout")).isEmpty();
        assertThat(ConfigValues.duration(config, "timeout", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConfigValues.wholeNumber(config, "missing", 1, 2, "missing")).isEmpty();
    }

    @Test
    void wholeNumbersAreBounded() {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("poolSize", "0");
        config.addProperty("maxEntries", "lots");

        assertThatThrownBy(() -> ConfigValues.wholeNumber(config, "poolSize", 1, 1000, "jdbc><poolSize"))
            .hasMessage("<jdbc><poolSize> must be between 1 and 1000, not 0");
        assertThatThrownBy(() -> ConfigValues.wholeNumber(config, "maxEntries", 1, 10, "maxEntries"))
            .hasMessageContaining("<maxEntries> must be a whole number");
    }

    @Test
    void booleansAreTrueOrFalse() throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("a", "TRUE");
        config.addProperty("b", "yes");

        assertThat(ConfigValues.bool(config, "a", false)).isTrue();
        assertThatThrownBy(() -> ConfigValues.bool(config, "b", false)).hasMessageContaining("<b> must be true or false");
    }

    @Test
    void regexesAreCaseInsensitiveAndCheckedAtStart() throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("os", "^windows");
        config.addProperty("bad", "(");

        assertThat(ConfigValues.caseInsensitiveRegex(config, "os").get().matcher("Windows 7 or 8").find()).isTrue();
        assertThatThrownBy(() -> ConfigValues.caseInsensitiveRegex(config, "bad"))
            .hasMessageContaining("<bad> is not a valid regular expression");
    }
}
