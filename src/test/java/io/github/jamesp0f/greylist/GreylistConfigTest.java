package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GreylistConfigTest {

    private static BaseHierarchicalConfiguration with(String... keysAndValues) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.addProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    @Test
    void defaults() throws Exception {
        GreylistConfig config = GreylistConfig.parse(with());

        assertThat(config.periods().blockMillis()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(config.periods().unseenMillis()).isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(config.periods().whitelistMillis()).isEqualTo(Duration.ofDays(36).toMillis());
        assertThat(config.groupByNetwork()).isFalse();
        assertThat(config.maxEntries()).isEqualTo(1_000_000);
        assertThat(config.storeRetryDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.jdbc()).isEmpty();
        assertThat(config.keyBy()).isEqualTo(KeyBy.ADDRESS);
        assertThat(config.autoWhitelistAfter()).isEqualTo(5);
        assertThat(config.exemptHostnames().match("mail-ab1.outbound.protection.outlook.com")).isPresent();
        assertThat(config.needsReverseDns()).isTrue();
        assertThat(config.dnsTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.dnsCacheLifetime()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void keyByAndTheOlderGroupByNetwork() throws Exception {
        assertThat(GreylistConfig.parse(with("keyBy", "Hostname")).keyBy()).isEqualTo(KeyBy.HOSTNAME);
        assertThat(GreylistConfig.parse(with("groupByNetwork", "true")).keyBy()).isEqualTo(KeyBy.NETWORK);
        assertThat(GreylistConfig.parse(with("groupByNetwork", "true", "keyBy", "network")).keyBy()).isEqualTo(KeyBy.NETWORK);
        assertThatThrownBy(() -> GreylistConfig.parse(with("groupByNetwork", "true", "keyBy", "hostname")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("<groupByNetwork> true contradicts <keyBy> hostname");
    }

    @Test
    void withoutExemptionsNorHostnameKeysNoDnsIsAsked() throws Exception {
        assertThat(GreylistConfig.parse(with("exemptHostnamesFile", "none")).needsReverseDns()).isFalse();
        assertThat(GreylistConfig.parse(with("exemptHostnamesFile", "none", "keyBy", "hostname")).needsReverseDns()).isTrue();
    }

    @Test
    void anExemptionFileReplacesTheDefaultList(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("exempt.txt");
        java.nio.file.Files.writeString(file, "# ours\npartner.example\n");

        GreylistConfig config = GreylistConfig.parse(with("exemptHostnamesFile", file.toString(),
            "exemptHostnames", "/^mx\\d+\\.other\\.example$/"));

        assertThat(config.exemptHostnames().match("mx.partner.example")).isPresent();
        assertThat(config.exemptHostnames().match("mx7.other.example")).isPresent();
        assertThat(config.exemptHostnames().match("mail-ab1.outbound.protection.outlook.com")).isEmpty();
    }

    @Test
    void durationsTakeUnits() throws Exception {
        GreylistConfig config = GreylistConfig.parse(with("blockTime", "90s", "unseenLifetime", "2h",
            "whitelistLifetime", "7d"));

        assertThat(config.periods().blockMillis()).isEqualTo(90_000);
        assertThat(config.periods().unseenMillis()).isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(config.periods().whitelistMillis()).isEqualTo(Duration.ofDays(7).toMillis());
    }

    @Test
    void jdbcSettingsAreChildElements() throws Exception {
        GreylistConfig config = GreylistConfig.parse(with("jdbc.url", "jdbc:postgresql://db.example:5432/mail",
            "jdbc.user", "james", "jdbc.password", "secret", "jdbc.poolSize", "4", "jdbc.table", "grey"));

        JdbcSettings jdbc = config.jdbc().orElseThrow();
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://db.example:5432/mail");
        assertThat(jdbc.user()).contains("james");
        assertThat(jdbc.password()).contains("secret");
        assertThat(jdbc.poolSize()).isEqualTo(4);
        assertThat(jdbc.table()).isEqualTo("grey");
        assertThat(jdbc.toString()).doesNotContain("secret");
        assertThat(jdbc.queryTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "os|[windows|<os>",
        "linkType|(|<linkType>",
        "distanceGreaterThan|far|<distanceGreaterThan>",
        "distanceGreaterThan|-1|<distanceGreaterThan>",
        "greylistUnknown|yes|<greylistUnknown>",
        "groupByNetwork|1|<groupByNetwork>",
        "blockTime|soon|<blockTime>",
        "blockTime|300|<blockTime> must be a duration with its unit",
        "unseenLifetime|1m|<unseenLifetime>",
        "whitelistLifetime|0s|<whitelistLifetime>",
        "maxEntries|0|<maxEntries>",
        "storeRetryDelay|later|<storeRetryDelay>",
        "keyBy|domain|<keyBy> must be address, network or hostname",
        "autoWhitelistAfter|-1|<autoWhitelistAfter>",
        "exemptHostnames|bad!name|<exemptHostnames> line 1: 'bad!name'",
        "exemptHostnamesFile|/nonexistent/exempt.txt|<exemptHostnamesFile> cannot be read: /nonexistent/exempt.txt",
        "dnsTimeout|0s|<dnsTimeout>",
        "dnsTimeout|2m|<dnsTimeout>",
        "dnsCacheLifetime|0s|<dnsCacheLifetime>",
        "jdbc.user|james|<jdbc><url>",
        "jdbc.url|jdbc:mysql://db/mail|<jdbc><url>",
    })
    void badValuesAreRefusedNamingTheElement(String key, String value, String named) {
        assertThatThrownBy(() -> GreylistConfig.parse(with(key, value)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(named);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "table|grey; DROP TABLE users|<jdbc><table>",
        "poolSize|0|<jdbc><poolSize>",
        "queryTimeout|x|<jdbc><queryTimeout>",
        "cleanupInterval|0s|<jdbc><cleanupInterval>",
    })
    void badJdbcValuesAreRefusedNamingTheElement(String key, String value, String named) {
        assertThatThrownBy(() -> GreylistConfig.parse(with("jdbc.url", "jdbc:postgresql://db/mail", "jdbc." + key, value)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(named);
    }
}
