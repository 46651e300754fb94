package io.github.jamesp0f.greylist;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fLookup;

/**
 * Which clients are greylisted, from what p0f said about them (qpsmtpd's p0f conditions). A
 * fingerprinted client is greylisted when every configured condition holds (none configured: every
 * fingerprinted client). A client p0f did not recognise (no match, or no OS name) is greylisted
 * only when {@code greylistUnknown} says so. A failed or missing lookup never greylists: when p0f
 * is broken, mail flows as if the extension were not installed.
 */
public final class GreylistCriteria {

    private final Optional<Pattern> os;
    private final Optional<Pattern> linkType;
    private final OptionalInt distanceGreaterThan;
    private final boolean greylistUnknown;

    public GreylistCriteria(Optional<Pattern> os, Optional<Pattern> linkType, OptionalInt distanceGreaterThan,
                            boolean greylistUnknown) {
        this.os = os;
        this.linkType = linkType;
        this.distanceGreaterThan = distanceGreaterThan;
        this.greylistUnknown = greylistUnknown;
    }

    /** {@code lookup} is empty when no lookup was started for the session. */
    public boolean selects(Optional<P0fLookup> lookup) {
        if (lookup.isEmpty()) {
            return false;
        }
        switch (lookup.get().status()) {
            case MATCH:
                return lookup.get().fingerprint().map(this::selects).orElse(greylistUnknown);
            case NO_MATCH:
                return greylistUnknown;
            default:
                return false;
        }
    }

    boolean selects(Fingerprint fingerprint) {
        String description = fingerprint.osDescription();
        if (description.isEmpty()) {
            return greylistUnknown;
        }
        if (os.isPresent() && !os.get().matcher(description).find()) {
            return false;
        }
        if (linkType.isPresent()
            && !fingerprint.linkType().map(link -> linkType.get().matcher(link).find()).orElse(false)) {
            return false;
        }
        if (distanceGreaterThan.isPresent()) {
            OptionalInt distance = fingerprint.distance();
            return distance.isPresent() && distance.getAsInt() > distanceGreaterThan.getAsInt();
        }
        return true;
    }

    @Override
    public String toString() {
        return "os " + os.map(Pattern::pattern).orElse("(any)")
            + ", linkType " + linkType.map(Pattern::pattern).orElse("(any)")
            + ", distance > " + (distanceGreaterThan.isPresent() ? String.valueOf(distanceGreaterThan.getAsInt()) : "(any)")
            + ", unknown clients " + (greylistUnknown ? "greylisted" : "pass");
    }
}
