package io.github.jamesp0f.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;

class P0fHeaderMailetTest {

    static final Fingerprint WINDOWS = Fingerprint.builder(3)
        .osName("Windows").osFlavor("7 or 8").linkType("Ethernet or modem").distance(15)
        .uptimeMinutes(185).totalConnections(1).build();

    static P0fHeaderMailet mailet(String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("P0fHeaderMailet");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        P0fHeaderMailet mailet = new P0fHeaderMailet();
        mailet.init(config.build());
        return mailet;
    }

    static FakeMail mail(Fingerprint fingerprint, String... headers) throws MessagingException {
        MimeMessageBuilder message = MimeMessageBuilder.mimeMessageBuilder().setSubject("hi").setText("body");
        for (int i = 0; i < headers.length; i += 2) {
            message.addHeader(headers[i], headers[i + 1]);
        }
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();
        if (fingerprint != null) {
            P0fAttributes.attach(mail, fingerprint);
        }
        return mail;
    }

    @Test
    void stampsQpsmtpdStyleFieldHeadersByDefault() throws Exception {
        FakeMail mail = mail(WINDOWS);
        mailet().service(mail);

        MimeMessage message = mail.getMessage();
        assertThat(message.getHeader("X-P0F-Genre")).containsExactly("Windows 7 or 8");
        assertThat(message.getHeader("X-P0F-Link-Type")).containsExactly("Ethernet or modem");
        assertThat(message.getHeader("X-P0F-Distance")).containsExactly("15");
        assertThat(message.getHeader("X-P0F-Uptime")).containsExactly("3");
        assertThat(message.getHeader("X-P0F")).isNull();
    }

    @Test
    void stampsAHarakaStyleSummaryOnRequest() throws Exception {
        FakeMail mail = mail(WINDOWS);
        mailet("style", "summary").service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F"))
            .containsExactly("os=\"Windows 7 or 8\" link_type=\"Ethernet or modem\" distance=15 total_conn=1 uptime=3");
        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).isNull();
    }

    @Test
    void removesForgedHeadersBeforeStamping() throws Exception {
        FakeMail mail = mail(WINDOWS, "X-P0F-Genre", "Linux 2.6", "x-p0f-genre", "Solaris", "X-P0F", "os=\"forged\"");
        mailet("style", "both").service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).containsExactly("Windows 7 or 8");
        assertThat(mail.getMessage().getHeader("X-P0F")).hasSize(1).allMatch(v -> v.startsWith("os=\"Windows"));
    }

    @Test
    void removesForgedHeadersFromMailWithoutFingerprint() throws Exception {
        FakeMail mail = mail(null, "X-P0F-Genre", "Windows 7 or 8", "X-P0F-Distance", "0");
        mailet().service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).isNull();
        assertThat(mail.getMessage().getHeader("X-P0F-Distance")).isNull();
    }

    @Test
    void removesEveryHeaderUnderThePrefixWhateverTheStyle() throws Exception {
        // X-P0F-Route is written by a later rule (SetMimeHeader in the samples): a sender must not
        // be able to bring it, nor the summary header when only fields are stamped.
        FakeMail mail = mail(WINDOWS, "X-P0F-Route", "windows-senders-forged", "x-p0f-anything", "forged",
            "X-P0F", "os=\"forged\"", "X-P0Fish", "kept");
        mailet("style", "fields").service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F-Route")).isNull();
        assertThat(mail.getMessage().getHeader("X-P0F-Anything")).isNull();
        assertThat(mail.getMessage().getHeader("X-P0F")).as("the summary header, though not stamped").isNull();
        assertThat(mail.getMessage().getHeader("X-P0Fish")).as("not under the prefix").containsExactly("kept");
        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).containsExactly("Windows 7 or 8");
    }

    @Test
    void removesTheFieldHeadersWhenOnlyTheSummaryIsStamped() throws Exception {
        FakeMail mail = mail(null, "X-P0F-Genre", "Windows 7 or 8", "X-P0F-Route", "forged");
        mailet("style", "summary").service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).isNull();
        assertThat(mail.getMessage().getHeader("X-P0F-Route")).isNull();
    }

    @Test
    void leavesAMailWithNothingToRemoveOrStampUntouched() throws Exception {
        // James re-encodes a message it has seen modified: a p0f-less mail must not pay for that.
        MimeMessageWrapper message = jamesMessage("Subject: hi\r\nX-Other: kept\r\n\r\nbody\r\n");
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();

        mailet().service(mail);

        assertThat(message.isModified()).isFalse();
        assertThat(message.getHeader("X-Other", null)).isEqualTo("kept");
    }

    @Test
    void aMailWithAForgedHeaderIsModified() throws Exception {
        MimeMessageWrapper message = jamesMessage("Subject: hi\r\nx-p0f-genre: forged\r\n\r\nbody\r\n");
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();

        mailet().service(mail);

        assertThat(message.isModified()).isTrue();
        assertThat(message.getHeader("X-P0F-Genre")).as("removed, whatever its case").isNull();
    }

    @Test
    void aJamesMessageIsWrittenWithTheStampedHeadersAndWithoutTheForgedOnes() throws Exception {
        // The mailet leaves saving to whoever writes the message: James's wrapper saves a changed message then.
        MimeMessageWrapper message = jamesMessage("Subject: hi\r\nX-P0F-Genre: forged\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nbody\r\n");
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();
        P0fAttributes.attach(mail, WINDOWS);

        mailet().service(mail);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        message.writeTo(written);

        MimeMessage read = new MimeMessage(null, new ByteArrayInputStream(written.toByteArray()));
        assertThat(read.getHeader("X-P0F-Genre")).containsExactly("Windows 7 or 8");
        assertThat(read.getHeader("X-P0F-Distance")).containsExactly("15");
        assertThat(read.getHeader("Subject")).containsExactly("hi");
        assertThat(read.getContent()).isEqualTo("body\r\n");
    }

    /** A message as James holds one it received: read from its source, modified only when touched. */
    private static MimeMessageWrapper jamesMessage(String raw) throws Exception {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("m",
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void sanitizesValues() throws Exception {
        Fingerprint hostile = Fingerprint.builder(3).osName("Win\r\nBcc: victim@example.test").osFlavor("\u00e9t\u00e9\u0007")
            .linkType("x".repeat(500)).build();
        FakeMail mail = mail(hostile);
        mailet("maxLength", "40").service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F-Genre")).containsExactly("Win??Bcc: victim@example.test ?t??");
        assertThat(mail.getMessage().getHeader("X-P0F-Link-Type")).containsExactly("x".repeat(40));
        assertThat(mail.getMessage().getHeader("Bcc")).isNull();
    }

    @Test
    void quotesInTheSummaryAreEscaped() throws Exception {
        FakeMail mail = mail(Fingerprint.builder(3).osName("Evil\"OS").build());
        mailet("style", "summary").service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F")).containsExactly("os=\"Evil\\\"OS\"");
    }

    @Test
    void headerNamesAreConfigurable() throws Exception {
        FakeMail mail = mail(WINDOWS, "X-OS-Genre", "forged");
        mailet("headerPrefix", "X-OS-").service(mail);

        assertThat(mail.getMessage().getHeader("X-OS-Genre")).containsExactly("Windows 7 or 8");
    }

    @Test
    void refusesAnUnknownStyle() {
        assertThatThrownBy(() -> mailet("style", "fancy")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("<style>");
    }

    @Test
    void refusesABadHeaderName() {
        assertThatThrownBy(() -> mailet("summaryHeader", "X P0F:")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("<summaryHeader>");
    }

    @Test
    void refusesABadMaxLength() {
        assertThatThrownBy(() -> mailet("maxLength", "5")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("<maxLength>");
    }

    @Test
    void stampsHowLongGreylistingDelayedTheMailOnRequest() throws Exception {
        FakeMail delayed = mail(WINDOWS, "X-P0F-Greylist", "forged: not delayed");
        delayed.setAttribute(new Attribute(P0fAttributes.GREYLIST, AttributeValue.of("312")));
        mailet("greylistHeader", "true").service(delayed);
        assertThat(delayed.getMessage().getHeader("X-P0F-Greylist")).containsExactly("delayed 312 seconds");

        FakeMail exempt = mail(WINDOWS);
        exempt.setAttribute(new Attribute(P0fAttributes.GREYLIST, AttributeValue.of("0")));
        mailet("greylistHeader", "true").service(exempt);
        assertThat(exempt.getMessage().getHeader("X-P0F-Greylist")).containsExactly("not delayed");
    }

    @Test
    void withoutTheGreylistOptionOnlyForgedGreylistHeadersAreTouched() throws Exception {
        FakeMail mail = mail(null, "X-P0F-Greylist", "not delayed");
        mail.setAttribute(new Attribute(P0fAttributes.GREYLIST, AttributeValue.of("312")));
        mailet().service(mail);

        assertThat(mail.getMessage().getHeader("X-P0F-Greylist")).isNull();
    }

    @Test
    void refusesABadGreylistHeaderOption() {
        assertThatThrownBy(() -> mailet("greylistHeader", "yes")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("<greylistHeader>");
    }
}
