package io.github.jamesp0f.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as administrators write them, in James's XML and on the command line alike:
 * {@code 500ms}, {@code 2s}, {@code 5m}, {@code 4h}, {@code 36d}, or {@code 0}. Plain Java, so
 * that the command-line tool reads them without James's libraries.
 */
public final class DurationText {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
    private static final Pattern BARE_NUMBER = Pattern.compile("\\d{1,12}");

    private DurationText() {
    }

    /**
     * A duration with its unit, or {@code 0}. A bare number is refused: 300 is milliseconds to
     * James and seconds to most greylisting guides.
     *
     * @throws IllegalArgumentException completing a sentence that starts with the setting's name
     */
    public static Duration parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a duration with its unit, such as 500ms, 2s, 5m, 4h or 36d"
                + " (or 0), not '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                return Duration.ofMillis(amount);
        }
    }

    /** As {@link #parse}, but a bare number means milliseconds (the command line's older form). */
    public static Duration parseBareAsMillis(String text) {
        String trimmed = text.trim();
        if (BARE_NUMBER.matcher(trimmed).matches()) {
            return Duration.ofMillis(Long.parseLong(trimmed));
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be a duration such as 500ms or 2s (a bare number is milliseconds),"
                + " not '" + text + "'");
        }
    }
}
