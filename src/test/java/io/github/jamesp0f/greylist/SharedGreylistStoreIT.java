package io.github.jamesp0f.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jamesp0f.testing.CraftedSyn;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.RealDns;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.RealPostgres;
import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SmtpTestClient;

/**
 * Two real James servers (two MX hosts) sharing one PostgreSQL greylist table: a Windows client
 * deferred by the first is accepted by the second on retry.
 */
class SharedGreylistStoreIT {

    @RegisterExtension
    static final RealPostgres POSTGRES = new RealPostgres();

    private static final Duration BLOCK_TIME = Duration.ofSeconds(2);
    private static final String WINDOWS_CLIENT = "127.0.0.78";

    private static RealP0f p0f;
    private static RealDns dns;
    private static JamesTestServer firstMx;
    private static JamesTestServer secondMx;

    @BeforeAll
    static void start() throws Exception {
        CraftedSyn.assumeAvailable();
        RealDns.assumeAvailable();
        // James's own DNS on a loopback server that answers at once (NXDOMAIN): no reverse-lookup stalls.
        dns = RealDns.start();
        int firstPort = FreePorts.next();
        int secondPort = FreePorts.next();
        p0f = RealP0f.builder().watchPort(firstPort).watchPort(secondPort).start();
        CraftedSyn.sendAndAwait(p0f, CraftedSyn.Profile.WINDOWS_7, InetAddress.getByName(WINDOWS_CLIENT));
        String greylist = "<os>^windows</os><blockTime>" + BLOCK_TIME.toSeconds() + "s</blockTime>"
            + "<jdbc><url>" + POSTGRES.url() + "</url><user>" + POSTGRES.user() + "</user>"
            + "<poolSize>4</poolSize><table>shared_greylist</table></jdbc>";
        firstMx = GreylistJames.start(firstPort, p0f.socketPath(), greylist, dns.jamesDnsServiceXml());
        secondMx = GreylistJames.start(secondPort, p0f.socketPath(), greylist, dns.jamesDnsServiceXml());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {secondMx, firstMx, p0f, dns}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + closeable + ": " + e);
            }
        }
    }

    @Test
    void retryThroughTheSecondMxPasses() throws Exception {
        String sender = "shared@windows.example";
        try (SmtpTestClient smtp = SmtpTestClient.connect(firstMx, WINDOWS_CLIENT)) {
            assertThat(smtp.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(451);
        }
        try (SmtpTestClient tooEarly = SmtpTestClient.connect(secondMx, WINDOWS_CLIENT)) {
            assertThat(tooEarly.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(451);
        }

        Thread.sleep(BLOCK_TIME.toMillis() + 200);

        try (SmtpTestClient retry = SmtpTestClient.connect(secondMx, WINDOWS_CLIENT)) {
            assertThat(retry.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(250);
        }
        GreylistJames.awaitMailFrom(secondMx, sender);
        try (SmtpTestClient whitelisted = SmtpTestClient.connect(firstMx, WINDOWS_CLIENT)) {
            assertThat(whitelisted.sendMail(sender, GreylistJames.RECIPIENT, GreylistJames.MESSAGE)).isEqualTo(250);
        }
    }
}
