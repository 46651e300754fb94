package io.github.jamesp0f.syn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.jamesp0f.testing.RawP0fQuery;

/**
 * One SYN, one database: what p0f answered (its API, and the raw_sig it logged) against what
 * {@link SynMatcher} makes of the same bytes, field by field: os_name, os_flavor, match quality,
 * distance, link type and the raw signature. p0f's API gives at most 32 bytes of a name or
 * flavor; the matcher's longer ones are compared on those 32 bytes.
 */
final class OracleVerdict {

    private static final int API_TEXT = 32;

    private final OracleSyn syn;
    private final String p0fQuality;
    private final String javaQuality;
    private final List<String> differences = new ArrayList<>();
    private String summary = "";

    private OracleVerdict(OracleSyn syn, String p0fQuality, String javaQuality) {
        this.syn = syn;
        this.p0fQuality = p0fQuality;
        this.javaQuality = javaQuality;
    }

    /** @param p0fRawSignature what p0f logged for the SYN, null if nothing */
    static OracleVerdict of(OracleSyn syn, RawP0fQuery.Answer p0f, String p0fRawSignature, SynMatcher matcher) {
        SynMatch match;
        try {
            match = matcher.match(ByteBuffer.wrap(syn.packet()));
        } catch (MalformedSynException e) {
            OracleVerdict verdict = new OracleVerdict(syn, quality(p0f), "malformed");
            verdict.differences.add("the matcher refused it (" + e.getMessage() + "), p0f answered " + p0f);
            return verdict;
        }
        String osName = match.os().map(SignatureLabel::name).orElse("");
        String osFlavor = match.os().map(SignatureLabel::flavor).orElse("");
        String javaQuality = match.os().isPresent() ? quality(match.osMatchQuality()) : "none";
        OracleVerdict verdict = new OracleVerdict(syn, quality(p0f), javaQuality);
        verdict.compare("os_name", p0f.osName(), api(osName));
        verdict.compare("os_flavor", p0f.osFlavor(), api(osFlavor));
        verdict.compare("match quality", verdict.p0fQuality, javaQuality);
        verdict.compare("distance", p0f.distance() < 0 || p0f.distance() == 255 ? "unknown"
            : Integer.toString(p0f.distance()), match.distance().isPresent()
            ? Integer.toString(match.distance().getAsInt()) : "unknown");
        verdict.compare("link_type", p0f.linkType(), match.linkType().orElse(""));
        verdict.compare("raw_sig", p0fRawSignature, match.syn().toString());
        verdict.summary = syn.what() + ": " + match.syn() + " -> "
            + (osName.isEmpty() ? "no OS" : osName + " " + osFlavor) + " (p0f: " + verdict.p0fQuality + ")";
        return verdict;
    }

    /** p0f never saw the SYN (its API does not know the source). */
    static OracleVerdict unseen(OracleSyn syn, RawP0fQuery.Answer p0f) {
        OracleVerdict verdict = new OracleVerdict(syn, "unseen", "-");
        verdict.differences.add("p0f does not know the source: " + p0f);
        return verdict;
    }

    private void compare(String field, String p0f, String java) {
        if (!Objects.equals(p0f, java)) {
            differences.add(field + ": p0f '" + p0f + "', matcher '" + java + "'");
        }
    }

    private static String api(String text) {
        return text.length() > API_TEXT ? text.substring(0, API_TEXT) : text;
    }

    private static String quality(RawP0fQuery.Answer p0f) {
        return p0f.osName().isEmpty() ? "none" : quality(p0f.osMatchQuality());
    }

    private static String quality(int osMatchQuality) {
        switch (osMatchQuality) {
            case 0:
                return "specific";
            case 1:
                return "fuzzy";
            case 2:
                return "generic";
            default:
                return "fuzzy generic";
        }
    }

    OracleSyn syn() {
        return syn;
    }

    boolean agrees() {
        return differences.isEmpty();
    }

    /** p0f's match quality: specific, generic, fuzzy, fuzzy generic or none. */
    String p0fQuality() {
        return p0fQuality;
    }

    /** The SYN's signature and what it was called, for the report. */
    String summary() {
        return summary;
    }

    @Override
    public String toString() {
        return syn + ": " + String.join("; ", differences);
    }
}
