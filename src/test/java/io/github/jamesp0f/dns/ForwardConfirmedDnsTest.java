package io.github.jamesp0f.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

import io.github.jamesp0f.testing.RealDns;

/** FCrDNS against a real DNS server (unbound on loopback). */
class ForwardConfirmedDnsTest {

    /** The handler's default: answers on a loaded machine (a cold dnsjava, 2 cores) stay well inside it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static RealDns dns;
    private static ForwardConfirmedDns fcrdns;

    @BeforeAll
    static void start() {
        dns = RealDns.start();
        dns.host("mail-ab1.outbound.protection.outlook.com", "127.0.0.65")
            .ptr("127.0.0.66", "liar.example")
            .ptr("127.0.0.67", "elsewhere.example").a("elsewhere.example", "127.0.0.200")
            .ptr("127.0.0.68", "first.example").ptr("127.0.0.68", "second.example").a("second.example", "127.0.0.68")
            .host("mx.v6.example", "2001:db8::25");
        fcrdns = new ForwardConfirmedDns(ForwardConfirmedDnsTest::resolver, TIMEOUT);
        // dnsjava starts its I/O thread and loads its classes on the first query: not a cost the
        // "does not hold the caller" test should be charged with.
        fcrdns.lookup(InetAddress.getLoopbackAddress()).join();
    }

    private static Resolver resolver() {
        SimpleResolver resolver = new SimpleResolver(dns.socketAddress());
        resolver.setTimeout(TIMEOUT);
        return resolver;
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void aNameThatResolvesBackIsConfirmed() throws Exception {
        ReverseName name = lookup("127.0.0.65");
        assertThat(name.outcome()).isEqualTo(ReverseName.Outcome.CONFIRMED);
        assertThat(name.confirmedName()).contains("mail-ab1.outbound.protection.outlook.com");
    }

    @Test
    void anIpv6NameThatResolvesBackIsConfirmed() throws Exception {
        assertThat(lookup("2001:db8::25").confirmedName()).contains("mx.v6.example");
    }

    @Test
    void noPtrRecordIsUnconfirmed() throws Exception {
        ReverseName name = lookup("127.0.0.99");
        assertThat(name.outcome()).isEqualTo(ReverseName.Outcome.UNCONFIRMED);
        assertThat(name.confirmedName()).isEmpty();
    }

    @Test
    void aPtrNameWithoutAddressRecordsIsUnconfirmed() throws Exception {
        assertThat(lookup("127.0.0.66").outcome()).isEqualTo(ReverseName.Outcome.UNCONFIRMED);
    }

    @Test
    void aPtrNameResolvingToAnotherAddressIsUnconfirmed() throws Exception {
        ReverseName name = lookup("127.0.0.67");
        assertThat(name.outcome()).isEqualTo(ReverseName.Outcome.UNCONFIRMED);
        assertThat(name.toString()).contains("does not resolve back");
    }

    @Test
    void anyOfSeveralPtrNamesMayConfirm() throws Exception {
        assertThat(lookup("127.0.0.68").confirmedName()).contains("second.example");
    }

    @Test
    void aServerThatDoesNotAnswerFailsWithinTheTimeoutWithoutHoldingTheCaller() throws Exception {
        dns.stall();
        try {
            long start = System.nanoTime();
            CompletableFuture<ReverseName> pending = fcrdns.lookup(InetAddress.getByName("127.0.0.65"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
            assertThat(pending).isNotDone();
            ReverseName name = pending.get();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(name.failed()).isTrue();
            assertThat(took).isLessThan(TIMEOUT.plusMillis(700));
        } finally {
            dns.resume();
        }
    }

    @Test
    void aBrokenResolverIsAFailureNotAnException() throws Exception {
        ForwardConfirmedDns broken = new ForwardConfirmedDns(() -> {
            throw new IllegalStateException("no resolver configured");
        }, TIMEOUT);
        ReverseName name = broken.lookup(InetAddress.getByName("127.0.0.65")).get();
        assertThat(name.failed()).isTrue();
        assertThat(name.toString()).contains("no resolver configured");
    }

    private static ReverseName lookup(String address) throws Exception {
        return fcrdns.lookup(parse(address)).get();
    }

    private static InetAddress parse(String address) throws UnknownHostException {
        return InetAddress.getByName(address);
    }
}
