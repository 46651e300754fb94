package io.github.jamesp0f.greylist;

import java.nio.file.Path;
import java.util.List;

import org.apache.mailet.Mail;

import io.github.jamesp0f.testing.james.JamesTestServer;
import io.github.jamesp0f.testing.james.SampleConfigs;
import io.github.jamesp0f.testing.james.XmlConfig;

/** A real James from the sample configuration, with P0fGreylistHandler right after P0fConnectHandler. */
final class GreylistJames {

    static final String RECIPIENT = "rcpt@" + JamesTestServer.DOMAIN;
    static final String SENDER = "someone@sender.example";
    static final String MESSAGE = "From: someone@sender.example\r\nSubject: greylisting\r\n\r\nhello\r\n";
    private static final String NEXT_HANDLER =
        "//handler[@class='org.apache.james.smtpserver.fastfail.ValidRcptHandler']";

    private GreylistJames() {
    }

    /** Waits until {@code james} has delivered a mail from {@code sender}. */
    static void awaitMailFrom(JamesTestServer james, String sender) throws InterruptedException {
        long deadline = System.nanoTime() + JamesTestServer.DEFAULT_AWAIT.toNanos();
        while (delivered(james).stream().noneMatch(mail -> mail.getMaybeSender().asString().equals(sender))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no mail from " + sender + " delivered within " + JamesTestServer.DEFAULT_AWAIT);
            }
            Thread.sleep(20);
        }
    }

    private static List<Mail> delivered(JamesTestServer james) {
        try {
            return james.mails(SampleConfigs.DELIVERED);
        } catch (IllegalStateException noRepositoryYet) {
            return List.of();
        }
    }

    /**
     * {@code greylistElements}: the handler's child elements, as XML. The mailet container and the
     * handler chain register no JMX beans: a stopped James leaves its beans behind, and the next
     * James in the same test JVM (or a second MX in one test) would fail on their names.
     */
    static JamesTestServer start(int port, Path p0fSocket, String greylistElements) throws Exception {
        return start(port, p0fSocket, greylistElements, null);
    }

    /** {@code dnsServiceXml}: James's conf/dnsservice.xml (e.g. {@code RealDns#jamesDnsServiceXml}); null: James's default. */
    static JamesTestServer start(int port, Path p0fSocket, String greylistElements, String dnsServiceXml) throws Exception {
        XmlConfig smtp = SampleConfigs.smtpServer(port, p0fSocket.toString())
            .insertBefore(NEXT_HANDLER,
                "<handler class=\"io.github.jamesp0f.greylist.P0fGreylistHandler\">" + greylistElements + "</handler>")
            .setText("/smtpservers/smtpserver/jmxName", "smtpserver-" + port)
            .setAttribute("//handlerchain", "enableJmx", "false");
        XmlConfig mailets = SampleConfigs.mailetContainer()
            .setAttribute("/mailetcontainer | //processors | //processor", "enableJmx", "false");
        JamesTestServer.Builder builder = JamesTestServer.builder()
            .smtpServer(smtp)
            .mailetContainer(mailets)
            .user(RECIPIENT, "secret");
        if (dnsServiceXml != null) {
            builder.confFile("dnsservice.xml", dnsServiceXml);
        }
        return builder.start();
    }
}
