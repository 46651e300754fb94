package io.github.jamesp0f.attributes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.fingerprint.P0fVersion;

/**
 * The Mail attributes that carry a client's fingerprint, and the conversion both ways.
 *
 * <p>Every attribute is named {@value #PREFIX} followed by a note name of {@link Fingerprint}
 * ({@code p0f.os_name}, {@code p0f.distance}, {@code p0f.genre}, ...), plus {@link #OS}
 * ("Windows 7 or 8", what OS rules match) and {@link #VERSION} (the p0f protocol that answered).
 * Every value is a String, numbers in decimal: James's {@code MailAttributesToMimeHeaders} copies
 * only String attributes, {@code HasMailAttributeWithValueRegex} matches their text, and Strings
 * survive the distributed James's JSON mail queue unchanged.
 */
public final class P0fAttributes {

    public static final String PREFIX = "p0f.";
    /** "os_name os_flavor", for example "Windows 7 or 8". */
    public static final AttributeName OS = AttributeName.of(PREFIX + "os");
    /**
     * Set by P0fGreylistHandler on each mail whose client its conditions selected (absent when
     * greylisting did not apply): how long greylisting delayed the mail, in whole seconds, "0" when
     * it passed at once (exempt host name, auto-whitelisted client, whitelisted triplet, store down).
     */
    public static final AttributeName GREYLIST = AttributeName.of(PREFIX + "greylist");
    /** "3" or "2": which p0f API answered. */
    public static final AttributeName VERSION = AttributeName.of(PREFIX + "version");

    private P0fAttributes() {
    }

    /** The attribute name of one note field, for example {@code p0f.link_type}. */
    public static AttributeName name(String field) {
        return AttributeName.of(PREFIX + field);
    }

    /** Every attribute for {@code fingerprint}: version, os (when p0f named one), then each present field. */
    public static List<Attribute> toAttributes(Fingerprint fingerprint) {
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute(VERSION, AttributeValue.of(String.valueOf(fingerprint.protocolVersion()))));
        String os = fingerprint.osDescription();
        if (!os.isEmpty()) {
            attributes.add(new Attribute(OS, AttributeValue.of(os)));
        }
        for (Map.Entry<String, Object> field : fingerprint.fields().entrySet()) {
            attributes.add(new Attribute(name(field.getKey()), AttributeValue.of(String.valueOf(field.getValue()))));
        }
        return Collections.unmodifiableList(attributes);
    }

    /** Sets every attribute of {@code fingerprint} on {@code mail}. */
    public static void attach(Mail mail, Fingerprint fingerprint) {
        toAttributes(fingerprint).forEach(mail::setAttribute);
    }

    /** True when {@code mail} carries a fingerprint (its {@link #VERSION} attribute is set). */
    public static boolean isPresent(Mail mail) {
        return string(mail, VERSION).isPresent();
    }

    /** The OS phrase ("Windows 7 or 8") of the mail's client; empty without a fingerprint or OS. */
    public static Optional<String> osDescription(Mail mail) {
        return isPresent(mail) ? string(mail, OS) : Optional.empty();
    }

    /**
     * The fingerprint the attributes describe, rebuilt field by field. Empty when the mail has no
     * p0f attributes; a field whose value is not what this class writes is left out.
     */
    public static Optional<Fingerprint> fingerprint(Mail mail) {
        Optional<P0fVersion> version = string(mail, VERSION).flatMap(P0fAttributes::parseInt)
            .flatMap(P0fVersion::find);
        if (version.isEmpty()) {
            return Optional.empty();
        }
        Fingerprint.Builder builder = Fingerprint.builder(version.get());
        longField(mail, Fingerprint.FIRST_SEEN, builder, Fingerprint.Builder::firstSeen);
        longField(mail, Fingerprint.LAST_SEEN, builder, Fingerprint.Builder::lastSeen);
        longField(mail, Fingerprint.TOTAL_CONN, builder, Fingerprint.Builder::totalConnections);
        longField(mail, Fingerprint.UPTIME_MIN, builder, Fingerprint.Builder::uptimeMinutes);
        longField(mail, Fingerprint.UP_MOD_DAYS, builder, Fingerprint.Builder::upModDays);
        longField(mail, Fingerprint.LAST_NAT, builder, Fingerprint.Builder::lastNat);
        longField(mail, Fingerprint.LAST_CHG, builder, Fingerprint.Builder::lastChange);
        intField(mail, Fingerprint.DISTANCE, builder, Fingerprint.Builder::distance);
        intField(mail, Fingerprint.BAD_SW, builder, Fingerprint.Builder::badSoftware);
        intField(mail, Fingerprint.OS_MATCH_Q, builder, Fingerprint.Builder::osMatchQuality);
        stringField(mail, Fingerprint.OS_NAME, builder, Fingerprint.Builder::osName);
        stringField(mail, Fingerprint.OS_FLAVOR, builder, Fingerprint.Builder::osFlavor);
        stringField(mail, Fingerprint.HTTP_NAME, builder, Fingerprint.Builder::httpName);
        stringField(mail, Fingerprint.HTTP_FLAVOR, builder, Fingerprint.Builder::httpFlavor);
        stringField(mail, Fingerprint.LINK_TYPE, builder, Fingerprint.Builder::linkType);
        stringField(mail, Fingerprint.LANGUAGE, builder, Fingerprint.Builder::language);
        return Optional.of(builder.build());
    }

    private static void stringField(Mail mail, String field, Fingerprint.Builder builder,
                                    BiConsumer<Fingerprint.Builder, String> setter) {
        string(mail, name(field)).ifPresent(value -> setter.accept(builder, value));
    }

    private static void longField(Mail mail, String field, Fingerprint.Builder builder,
                                  BiConsumer<Fingerprint.Builder, Long> setter) {
        string(mail, name(field)).flatMap(P0fAttributes::parseLong).ifPresent(value -> setter.accept(builder, value));
    }

    private static void intField(Mail mail, String field, Fingerprint.Builder builder,
                                 BiConsumer<Fingerprint.Builder, Integer> setter) {
        string(mail, name(field)).flatMap(P0fAttributes::parseInt).ifPresent(value -> setter.accept(builder, value));
    }

    private static Optional<String> string(Mail mail, AttributeName name) {
        return AttributeUtils.getValueAndCastFromMail(mail, name, String.class);
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> parseInt(String text) {
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
