package io.github.jamesp0f.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The DNS fixture answers what a test gives it, nothing else, and can be made to stop answering. */
class RealDnsTest {

    /** Long enough for a loaded machine's answers; a stalled server's queries take exactly this. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

    private static final Path RESOLV_CONF = Paths.get("/etc/resolv.conf");
    private static RealDns dns;
    private static String resolvConfBefore;

    @BeforeAll
    static void start() throws IOException {
        resolvConfBefore = Files.exists(RESOLV_CONF) ? Files.readString(RESOLV_CONF) : "";
        dns = RealDns.start();
        dns.host("mail-ab1.outbound.protection.outlook.com", "127.0.0.65")
            .ptr("127.0.0.66", "liar.example")
            .host("v6.example", "2001:db8::5");
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void servesPtrAndAddressRecordsOnAPrivateLoopbackAddress() throws Exception {
        assertThat(dns.address().getHostAddress()).startsWith("127.53.0.");
        assertThat(answers(ReverseMap.fromAddress("127.0.0.65"), Type.PTR))
            .containsExactly("mail-ab1.outbound.protection.outlook.com.");
        assertThat(answers(Name.fromString("mail-ab1.outbound.protection.outlook.com."), Type.A))
            .containsExactly("127.0.0.65");
        assertThat(answers(ReverseMap.fromAddress("2001:db8::5"), Type.PTR)).containsExactly("v6.example.");
        assertThat(answers(Name.fromString("v6.example."), Type.AAAA)).containsExactly("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void answersNxdomainForEverythingElseWithoutAskingTheInternet() throws Exception {
        assertThat(query(Name.fromString("liar.example."), Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(query(Name.fromString("example.com."), Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(query(ReverseMap.fromAddress("127.0.0.99"), Type.PTR).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aStalledServerAnswersNothingUntilResumed() throws Exception {
        dns.stall();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> query(Name.fromString("v6.example."), Type.AAAA)).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(QUERY_TIMEOUT.minusMillis(100));
        } finally {
            dns.resume();
        }
        assertThat(answers(Name.fromString("v6.example."), Type.AAAA)).hasSize(1);
    }

    @Test
    void aBadRecordIsRefusedNamingIt() {
        assertThatThrownBy(() -> dns.a("bad name with spaces", "127.0.0.1"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name with spaces");
        assertThatThrownBy(() -> dns.ptr("not-an-address", "x.example"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-an-address");
    }

    @Test
    void theSystemResolverIsUntouched() throws IOException {
        assertThat(Files.exists(RESOLV_CONF) ? Files.readString(RESOLV_CONF) : "").isEqualTo(resolvConfBefore);
        assertThat(dns.jamesDnsServiceXml()).contains("<server>" + dns.address().getHostAddress() + "</server>")
            .contains("<autodiscover>false</autodiscover>");
    }

    @Test
    void reverseNamesFollowRfc3596ForIpv6() throws Exception {
        assertThat(RealDns.reverseName(InetAddress.getByName("2001:db8::1")))
            .isEqualTo(ReverseMap.fromAddress("2001:db8::1").toString());
        assertThat(RealDns.reverseName(InetAddress.getByName("192.0.2.7"))).isEqualTo("7.2.0.192.in-addr.arpa.");
    }

    private static List<String> answers(Name name, int type) throws IOException {
        return query(name, type).getSection(Section.ANSWER).stream()
            .map(Record::rdataToString).collect(Collectors.toList());
    }

    private static Message query(Name name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(dns.socketAddress());
        resolver.setTimeout(QUERY_TIMEOUT);
        return resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
    }
}
