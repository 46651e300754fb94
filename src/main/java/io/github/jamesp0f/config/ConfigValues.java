package io.github.jamesp0f.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Reads the child elements of a {@code <handler>} the same way for every james-p0f component, so
 * that one rule holds everywhere: blank means "not set", and a wrong value is refused at start-up
 * with a message naming the element. {@code name} is the element as the administrator wrote it
 * (for example {@code jdbc><url}), used in messages only.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** The element's trimmed text, or empty when absent or blank. */
    public static Optional<String> text(Configuration config, String element) {
        String value = config.getString(element, null);
        return value == null || value.trim().isEmpty() ? Optional.empty() : Optional.of(value.trim());
    }

    public static Duration duration(Configuration config, String element, Duration defaultValue)
        throws ConfigurationException {
        return duration(config, element, defaultValue, element);
    }

    public static Duration duration(Configuration config, String element, Duration defaultValue, String name)
        throws ConfigurationException {
        Optional<String> value = text(config, element);
        return value.isEmpty() ? defaultValue : parseDuration(name, value.get());
    }

    /** As {@link DurationText#parse}, an error naming the element. */
    public static Duration parseDuration(String name, String text) throws ConfigurationException {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("<" + name + "> " + e.getMessage(), e);
        }
    }

    /** A whole number between {@code min} and {@code max}, or empty when not set. */
    public static OptionalInt wholeNumber(Configuration config, String element, int min, int max, String name)
        throws ConfigurationException {
        Optional<String> value = text(config, element);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        int number;
        try {
            number = Integer.parseInt(value.get().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigurationException("<" + name + "> must be a whole number, not '" + value.get() + "'", e);
        }
        if (number < min || number > max) {
            throw new ConfigurationException("<" + name + "> must be between " + min + " and " + max + ", not " + number);
        }
        return OptionalInt.of(number);
    }

    /** An IP literal only: a host name here would mean a DNS lookup at start-up. */
    public static InetAddress ipAddress(String element, String text) throws ConfigurationException {
        if (!text.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new ConfigurationException("<" + element + "> must be an IP address, not '" + text + "'");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("<" + element + "> must be an IP address, not '" + text + "'", e);
        }
    }

    public static boolean bool(Configuration config, String element, boolean defaultValue) throws ConfigurationException {
        Optional<String> value = text(config, element);
        if (value.isEmpty()) {
            return defaultValue;
        }
        if (value.get().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.get().equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigurationException("<" + element + "> must be true or false, not '" + value.get() + "'");
    }

    /** A case-insensitive regular expression, or empty when not set. */
    public static Optional<Pattern> caseInsensitiveRegex(Configuration config, String element)
        throws ConfigurationException {
        Optional<String> value = text(config, element);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(value.get(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        } catch (PatternSyntaxException e) {
            throw new ConfigurationException("<" + element + "> is not a valid regular expression: " + e.getMessage(), e);
        }
    }
}
