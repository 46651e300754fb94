package io.github.jamesp0f.mailet;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;

/**
 * Stamps the client's fingerprint into the message's headers. Every header under its prefix and
 * its summary header are removed first, on every mail, fingerprinted or not, whatever the style:
 * a sender can forge none of them, nor a header that a later rule of yours writes under the
 * same prefix (the samples' {@code X-P0F-Route}).
 *
 * <p>Init parameters:
 * <ul>
 * <li>{@code style}: {@code fields} (default; qpsmtpd style, one header per field:
 * {@code X-P0F-Genre: Windows 7 or 8}, {@code X-P0F-Link-Type}, {@code X-P0F-Distance},
 * {@code X-P0F-Uptime} in hours), {@code summary} (Haraka style, one header:
 * {@code X-P0F: os="Windows 7 or 8" link_type="Ethernet or modem" distance=15 total_conn=1 uptime=N}),
 * or {@code both};</li>
 * <li>{@code headerPrefix}: prefix of the per-field headers, default {@code X-P0F-};</li>
 * <li>{@code summaryHeader}: name of the summary header, default {@code X-P0F};</li>
 * <li>{@code maxLength}: longest value written, default 200 characters;</li>
 * <li>{@code greylistHeader}: {@code true} also stamps {@code <headerPrefix>Greylist} (milter-greylist's
 * X-Greylist) from the {@code p0f.greylist} attribute that P0fGreylistHandler sets:
 * {@code delayed 312 seconds} or {@code not delayed}; default {@code false}.</li>
 * </ul>
 * Values are ASCII printable only (anything else becomes '?'), without CR, LF or control
 * characters, and cut at maxLength.
 */
public class P0fHeaderMailet extends GenericMailet {

    static final String GENRE = "Genre";
    static final String LINK_TYPE = "Link-Type";
    static final String DISTANCE = "Distance";
    static final String UPTIME = "Uptime";
    static final String GREYLIST = "Greylist";

    private boolean fields;
    private boolean summary;
    private String prefix;
    private String summaryHeader;
    private int maxLength;
    private boolean greylistHeader;

    @Override
    public void init() throws MessagingException {
        String style = getInitParameter("style", "fields").trim().toLowerCase(Locale.ROOT);
        switch (style) {
            case "fields":
                fields = true;
                break;
            case "summary":
                summary = true;
                break;
            case "both":
                fields = true;
                summary = true;
                break;
            default:
                throw new MessagingException(getMailetName() + ": <style> must be fields, summary or both, not '"
                    + style + "'");
        }
        prefix = headerName("headerPrefix", getInitParameter("headerPrefix", "X-P0F-"));
        summaryHeader = headerName("summaryHeader", getInitParameter("summaryHeader", "X-P0F"));
        String greylist = getInitParameter("greylistHeader", "false").trim().toLowerCase(Locale.ROOT);
        if (!greylist.equals("true") && !greylist.equals("false")) {
            throw new MessagingException(getMailetName() + ": <greylistHeader> must be true or false, not '" + greylist + "'");
        }
        greylistHeader = greylist.equals("true");
        String max = getInitParameter("maxLength", "200").trim();
        try {
            maxLength = Integer.parseInt(max);
        } catch (NumberFormatException e) {
            maxLength = -1;
        }
        if (maxLength < 16 || maxLength > 900) {
            throw new MessagingException(getMailetName() + ": <maxLength> must be a number from 16 to 900, not '"
                + max + "'");
        }
    }

    private String headerName(String parameter, String value) throws MessagingException {
        String name = value.trim();
        if (name.isEmpty() || !name.matches("[!-9;-~]+")) {
            throw new MessagingException(getMailetName() + ": <" + parameter + "> must be a header name"
                + " (printable ASCII, no spaces or colons), not '" + value + "'");
        }
        return name;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        Optional<Fingerprint> fingerprint = P0fAttributes.fingerprint(mail);
        Optional<String> greylisted = greylistHeader ? greylistValue(mail) : Optional.empty();
        // Touching a James message marks it modified, and a modified message is re-encoded when it
        // is written: a mail with nothing to remove and nothing to stamp is left as it came.
        List<String> forged = ourHeadersIn(message);
        if (forged.isEmpty() && fingerprint.isEmpty() && greylisted.isEmpty()) {
            return;
        }
        for (String name : forged) {
            message.removeHeader(name);
        }
        if (fingerprint.isPresent()) {
            if (fields) {
                for (Map.Entry<String, String> header : fieldHeaders(fingerprint.get()).entrySet()) {
                    message.addHeader(prefix + header.getKey(), sanitize(header.getValue()));
                }
            }
            if (summary) {
                message.addHeader(summaryHeader, sanitize(summaryValue(fingerprint.get())));
            }
        }
        if (greylisted.isPresent()) {
            message.addHeader(prefix + GREYLIST, sanitize(greylisted.get()));
        }
        // No saveChanges(): the headers are changed already, and it would only recompute MIME
        // headers (half this mailet's cost). James's MimeMessageWrapper saves a changed message
        // itself when it writes it (JAMES-1320), as does JavaMail's MimeMessage.writeTo.
    }

    /** "delayed 312 seconds" or "not delayed", from the handler's whole seconds. */
    private static Optional<String> greylistValue(Mail mail) {
        return mail.getAttribute(P0fAttributes.GREYLIST)
            .map(attribute -> String.valueOf(attribute.getValue().value()).trim())
            .filter(seconds -> seconds.matches("\\d{1,12}"))
            .map(seconds -> seconds.equals("0") ? "not delayed" : "delayed " + seconds + " seconds");
    }

    /** The names of the headers under our prefix, or our summary header, that the message has. */
    private List<String> ourHeadersIn(MimeMessage message) throws MessagingException {
        List<String> names = new ArrayList<>();
        for (Enumeration<Header> headers = message.getAllHeaders(); headers.hasMoreElements(); ) {
            String name = headers.nextElement().getName();
            if (name.regionMatches(true, 0, prefix, 0, prefix.length()) || name.equalsIgnoreCase(summaryHeader)) {
                names.add(name);
            }
        }
        return names;
    }

    private static Map<String, String> fieldHeaders(Fingerprint fingerprint) {
        Map<String, String> headers = new LinkedHashMap<>();
        String os = fingerprint.osDescription();
        if (!os.isEmpty()) {
            headers.put(GENRE, os);
        }
        fingerprint.linkType().ifPresent(link -> headers.put(LINK_TYPE, link));
        fingerprint.distance().ifPresent(distance -> headers.put(DISTANCE, String.valueOf(distance)));
        fingerprint.uptimeHours().ifPresent(hours -> headers.put(UPTIME, String.valueOf(hours)));
        return headers;
    }

    private static String summaryValue(Fingerprint fingerprint) {
        StringBuilder value = new StringBuilder();
        value.append("os=\"").append(quoted(fingerprint.osDescription())).append('"');
        fingerprint.linkType().ifPresent(link -> value.append(" link_type=\"").append(quoted(link)).append('"'));
        fingerprint.distance().ifPresent(distance -> value.append(" distance=").append(distance));
        fingerprint.totalConnections().ifPresent(total -> value.append(" total_conn=").append(total));
        fingerprint.uptimeHours().ifPresent(hours -> value.append(" uptime=").append(hours));
        return value.toString();
    }

    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Printable ASCII only, cut at maxLength: values come from the network (p0f's view of a client). */
    String sanitize(String value) {
        StringBuilder clean = new StringBuilder(Math.min(value.length(), maxLength));
        for (int i = 0; i < value.length() && clean.length() < maxLength; i++) {
            char c = value.charAt(i);
            clean.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return clean.toString().trim();
    }

    @Override
    public String getMailetInfo() {
        return "Stamps the client's p0f fingerprint into headers, removing forged ones";
    }
}
