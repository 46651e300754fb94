package io.github.jamesp0f.cli;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jamesp0f.fingerprint.Fingerprint;

/** How {@code query} prints a fingerprint: for people, or as one JSON object keyed by p0f's v3 names. */
final class FingerprintFormat {

    /** p0f's v3 field names, in the API's order: the JSON keys, always all present. */
    static final List<String> V3_FIELDS = Collections.unmodifiableList(Arrays.asList(
        Fingerprint.FIRST_SEEN, Fingerprint.LAST_SEEN, Fingerprint.TOTAL_CONN, Fingerprint.UPTIME_MIN,
        Fingerprint.UP_MOD_DAYS, Fingerprint.LAST_NAT, Fingerprint.LAST_CHG, Fingerprint.DISTANCE,
        Fingerprint.BAD_SW, Fingerprint.OS_MATCH_Q, Fingerprint.OS_NAME, Fingerprint.OS_FLAVOR,
        Fingerprint.HTTP_NAME, Fingerprint.HTTP_FLAVOR, Fingerprint.LINK_TYPE, Fingerprint.LANGUAGE));

    private static final Set<String> TIMES = Set.of(Fingerprint.FIRST_SEEN, Fingerprint.LAST_SEEN,
        Fingerprint.LAST_NAT, Fingerprint.LAST_CHG);

    private FingerprintFormat() {
    }

    /** Every v3 field; null where p0f reported the value as unknown. Times are unix seconds. */
    static String json(Fingerprint fingerprint) {
        Map<String, Object> fields = fingerprint.fields();
        Map<String, Object> members = new LinkedHashMap<>();
        for (String name : V3_FIELDS) {
            members.put(name, fields.get(name));
        }
        return Json.object(members);
    }

    /**
     * A headline naming the operating system, then one {@code name: value} line per known field.
     * Values come from the network: control characters are shown escaped, never printed raw.
     */
    static String text(String address, Fingerprint fingerprint) {
        String os = fingerprint.osDescription();
        StringBuilder text = new StringBuilder()
            .append(address).append(": ").append(os.isEmpty() ? "no operating system recognised" : printable(os))
            .append(System.lineSeparator());
        Map<String, Object> fields = fingerprint.fields();
        for (String name : V3_FIELDS) {
            Object value = fields.get(name);
            if (value == null) {
                continue;
            }
            text.append("  ").append(String.format("%-12s", name)).append(' ');
            if (TIMES.contains(name)) {
                long seconds = ((Number) value).longValue();
                text.append(Instant.ofEpochSecond(seconds)).append(" (").append(seconds).append(')');
            } else {
                text.append(printable(value.toString()));
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
