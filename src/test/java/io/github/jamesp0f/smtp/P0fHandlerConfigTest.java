package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.fingerprint.P0fVersion;

class P0fHandlerConfigTest {

    static BaseHierarchicalConfiguration handler(String... elements) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("socketPath", "/run/p0f/p0f.sock");
        for (int i = 0; i < elements.length; i += 2) {
            config.setProperty(elements[i], elements[i + 1]);
        }
        return config;
    }

    static P0fHandlerConfig parse(String... elements) throws ConfigurationException {
        return P0fHandlerConfig.parse(handler(elements), File::new);
    }

    @Test
    void defaults() throws Exception {
        P0fHandlerConfig config = parse();
        P0fClientConfig client = config.daemon().orElseThrow();

        assertThat(client.version()).isEqualTo(P0fVersion.V3);
        assertThat(client.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(client.connections()).isEqualTo(2);
        assertThat(client.cacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(client.noMatchRetryDelay()).isEqualTo(Duration.ofMillis(25));
        assertThat(config.neverLookUp().isEmpty()).isTrue();
        assertThat(config.blocklist().isEmpty()).isTrue();
    }

    @Test
    void readsEveryElement() throws Exception {
        P0fClientConfig client = parse("version", "2", "localAddress", "192.0.2.25", "timeout", "2s",
            "connections", "4", "cacheTtl", "5m", "noMatchRetryDelay", "0")
            .daemon().orElseThrow();

        assertThat(client.version()).isEqualTo(P0fVersion.V2);
        assertThat(client.localAddress()).contains(InetAddress.getByName("192.0.2.25"));
        assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(client.connections()).isEqualTo(4);
        assertThat(client.cacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(client.noMatchRetryDelay()).isZero();
    }

    @Test
    void eachMistakeNamesItsElement() {
        assertFailsNaming("<version>", "version", "4");
        assertFailsNaming("<version>", "version", "three");
        assertFailsNaming("<timeout>", "timeout", "-5ms");
        assertFailsNaming("<timeout>", "timeout", "0");
        assertFailsNaming("<timeout>", "timeout", "soon");
        assertFailsNaming("<connections>", "connections", "50");
        assertFailsNaming("<cacheTtl>", "cacheTtl", "1 week");
        assertFailsNaming("<noMatchRetryDelay>", "noMatchRetryDelay", "-1");
        assertFailsNaming("<localAddress> is only used by p0f v2", "localAddress", "192.0.2.25");
        assertFailsNaming("<neverLookUp>", "neverLookUp", "10.0.0.0/33");
        assertFailsNaming("<neverLookUp>", "neverLookUp", "mail.example.com");
        assertFailsNaming("<blockedOperatingSystems> line 2: bad regular expression /Windows (XP/",
            "blockedOperatingSystems", "Linux\n/Windows (XP/");
        assertFailsNaming("<blockedOperatingSystemsFile> cannot be read: /no/such/file",
            "blockedOperatingSystemsFile", "/no/such/file");
    }

    @Test
    void p0fIsReachedAtAUnixSocketOrATcpAddress() throws Exception {
        assertThat(parse().daemon().orElseThrow().endpoint()).hasToString("unix:/run/p0f/p0f.sock");
        assertThat(parse("socketPath", "", "p0fAddress", " 198.51.100.10:2999 ").daemon().orElseThrow().endpoint())
            .isEqualTo(P0fEndpoint.tcp("198.51.100.10:2999")).hasToString("tcp:198.51.100.10:2999");
        assertThat(parse("socketPath", "", "p0fAddress", "[2001:db8::10]:2999").daemon().orElseThrow().endpoint())
            .hasToString("tcp:[2001:db8:0:0:0:0:0:10]:2999");
    }

    @Test
    void exactlyOneEndpointElementAndOnlyIpLiterals() {
        assertFailsNaming("<socketPath> or <p0fAddress> is required", "socketPath", "");
        assertFailsNaming("<socketPath> and <p0fAddress> are both set", "p0fAddress", "198.51.100.10:2999");
        assertThatThrownBy(() -> parse("socketPath", "", "p0fAddress", "p0f.example.net:2999"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("<p0fAddress> \"p0f.example.net:2999\" is not an IP address (host names are not looked up)");
        assertThatThrownBy(() -> parse("socketPath", "", "p0fAddress", "198.51.100.10"))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("<p0fAddress> \"198.51.100.10\" has no port");
        assertThatThrownBy(() -> parse("socketPath", "", "p0fAddress", "198.51.100.10:2999", "version", "2"))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("<p0fAddress> is for p0f 3 only");
    }

    @Test
    void aV2LocalAddressMustBeAnIpLiteral() {
        assertThatThrownBy(() -> parse("version", "2", "localAddress", "mx.example.com"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("<localAddress>");
    }

    @Test
    void blocklistFromInlineAndFileAdd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p0f_blocked_operating_systems");
        Files.write(file, "# comment\n\n/^freebsd/\n".getBytes(StandardCharsets.UTF_8));

        OsBlocklist blocklist = parse("blockedOperatingSystems", "  Windows XP\n", "blockedOperatingSystemsFile",
            file.toString()).blocklist();

        assertThat(blocklist.size()).isEqualTo(2);
        assertThat(blocklist.match("FreeBSD", "FreeBSD 9.x or newer")).contains("/^freebsd/");
        assertThat(blocklist.match("Windows", "Windows XP")).contains("Windows XP");
    }

    @Test
    void neverLookUpMatchesIpv4Ipv6AndMappedAddresses() throws Exception {
        Networks networks = parse("neverLookUp", "10.0.0.0/8, 192.168.1.7 2001:db8::/32").neverLookUp();

        assertThat(networks.contains(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(networks.contains(InetAddress.getByName("::ffff:10.1.2.3"))).isTrue();
        assertThat(networks.contains(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(networks.contains(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(networks.contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(networks.contains(InetAddress.getByName("2001:db9::5"))).isFalse();
        assertThat(networks.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    }

    @Test
    void prefixesThatAreNotByteAlignedAreMasked() throws Exception {
        Networks networks = Networks.parse("neverLookUp", "172.16.0.0/12");

        assertThat(networks.contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(networks.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
    }

    @Test
    void theDaemonIsTheDefaultSourceAndTheKernelNeedsNoDaemon() throws Exception {
        assertThat(parse().source()).isEqualTo(FingerprintSource.P0F);
        assertThat(parse().signatures()).isEmpty();

        P0fHandlerConfig kernel = parse("source", "kernel", "socketPath", "");
        assertThat(kernel.source()).isEqualTo(FingerprintSource.KERNEL);
        assertThat(kernel.daemon()).isEmpty();
        assertThat(kernel.signatures().orElseThrow().source()).isEqualTo(SignatureDatabase.SHIPPED_NAME);
        assertThat(kernel.signatures().orElseThrow().requestSignatures()).hasSizeGreaterThan(100);

        P0fHandlerConfig auto = parse("source", " AUTO ");
        assertThat(auto.source()).isEqualTo(FingerprintSource.AUTO);
        assertThat(auto.daemon().orElseThrow().endpoint()).hasToString("unix:/run/p0f/p0f.sock");
    }

    @Test
    void theSignatureDatabaseIsAFileJamesResolves(@TempDir Path dir) throws Exception {
        Path database = dir.resolve("mine.fp");
        Files.writeString(database, "classes = win,unix,other\n[tcp:request]\nlabel = s:unix:Linux:test\n"
            + "sig = *:64:0:*:mss*44,10:mss,sok,ts,nop,ws:df,id+:0\n");

        assertThat(parse("source", "kernel", "signatureDatabase", database.toString()).signatures().orElseThrow()
            .requestSignatures()).hasSize(1);
    }

    @Test
    void sourceMistakesNameTheirElement(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.fp");
        Files.writeString(broken, "classes = win,unix,other\n[tcp:request]\nlabel = s:unix:Linux:test\n"
            + "sig = *:64:0:*:mss*44\n");

        assertFailsNaming("<source> must be p0f (the p0f daemon), kernel", "source", "syn");
        assertThatThrownBy(() -> parse("source", "kernel", "signatureDatabase", broken.toString()))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("<signatureDatabase> " + broken + ":4: ");
        assertThatThrownBy(() -> parse("source", "kernel", "signatureDatabase", "/no/such/p0f.fp"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("<signatureDatabase> cannot be read: /no/such/p0f.fp");
        assertFailsNaming("<signatureDatabase> is only used with <source>kernel or auto", "signatureDatabase",
            broken.toString());
        assertThatThrownBy(() -> parse("source", "kernel", "socketPath", "", "timeout", "2s"))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("<timeout> is set but no p0f daemon is");
        assertThatThrownBy(() -> parse("source", "kernel", "socketPath", "", "version", "3", "cacheTtl", "1m"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("<version>, <cacheTtl> are set but no p0f daemon is: they apply to the daemon named by"
                + " <socketPath> or <p0fAddress> only; remove them, or name the daemon");
        assertThatThrownBy(() -> parse("source", "p0f", "socketPath", ""))
            .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("<socketPath> or <p0fAddress> is required");
    }

    private static void assertFailsNaming(String expected, String element, String value) {
        assertThatThrownBy(() -> parse(element, value))
            .as("%s = '%s'", element, value)
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(expected);
    }
}
