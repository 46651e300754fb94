package io.github.jamesp0f.smtp;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.ex.ConfigurationException;

/** Reads durations such as {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}; a bare number is in milliseconds. */
final class ConfigDurations {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");

    private ConfigDurations() {
    }

    static Duration parse(String element, String text) throws ConfigurationException {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException("<" + element + "> must be a duration such as 500ms, 2s, 5m or 1h"
                + " (a bare number is milliseconds, negative values are not allowed), not '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        switch (unit) {
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofMillis(amount);
        }
    }
}
