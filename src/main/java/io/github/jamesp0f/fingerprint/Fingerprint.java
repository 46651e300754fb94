package io.github.jamesp0f.fingerprint;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What p0f knows about one remote host. Values p0f reports as unknown (distance 255, uptime 0,
 * times 0, empty strings) are absent here, never zeros or empty strings.
 *
 * <p>Field names follow p0f's v3 API ({@code os_name}, {@code link_type}, ...); the classic note
 * names of the qpsmtpd and Haraka plugins ({@code genre}, {@code detail}, {@code uptime} in hours,
 * {@code link}, {@code distance}) are derived from them. A v2 answer fills what v2 knows.
 */
public final class Fingerprint {

    /** Note names, in the order {@link #fields()} lists them. */
    public static final String FIRST_SEEN = "first_seen";
    public static final String LAST_SEEN = "last_seen";
    public static final String TOTAL_CONN = "total_conn";
    public static final String UPTIME_MIN = "uptime_min";
    public static final String UP_MOD_DAYS = "up_mod_days";
    public static final String LAST_NAT = "last_nat";
    public static final String LAST_CHG = "last_chg";
    public static final String DISTANCE = "distance";
    public static final String BAD_SW = "bad_sw";
    public static final String OS_MATCH_Q = "os_match_q";
    public static final String OS_NAME = "os_name";
    public static final String OS_FLAVOR = "os_flavor";
    public static final String HTTP_NAME = "http_name";
    public static final String HTTP_FLAVOR = "http_flavor";
    public static final String LINK_TYPE = "link_type";
    public static final String LANGUAGE = "language";
    public static final String GENRE = "genre";
    public static final String DETAIL = "detail";
    public static final String UPTIME = "uptime";
    public static final String LINK = "link";

    private static final long ABSENT = -1;

    private final P0fVersion version;
    private final long firstSeen;
    private final long lastSeen;
    private final long totalConnections;
    private final long uptimeMinutes;
    private final long upModDays;
    private final long lastNat;
    private final long lastChange;
    private final int distance;
    private final int badSoftware;
    private final int osMatchQuality;
    private final String osName;
    private final String osFlavor;
    private final String httpName;
    private final String httpFlavor;
    private final String linkType;
    private final String language;

    private Fingerprint(Builder b) {
        this.version = b.version;
        this.firstSeen = b.firstSeen;
        this.lastSeen = b.lastSeen;
        this.totalConnections = b.totalConnections;
        this.uptimeMinutes = b.uptimeMinutes;
        this.upModDays = b.upModDays;
        this.lastNat = b.lastNat;
        this.lastChange = b.lastChange;
        this.distance = b.distance;
        this.badSoftware = b.badSoftware;
        this.osMatchQuality = b.osMatchQuality;
        this.osName = b.osName;
        this.osFlavor = b.osFlavor;
        this.httpName = b.httpName;
        this.httpFlavor = b.httpFlavor;
        this.linkType = b.linkType;
        this.language = b.language;
    }

    public static Builder builder(P0fVersion version) {
        return new Builder(version);
    }

    /** @throws IllegalArgumentException unless 2 or 3 */
    public static Builder builder(int protocolVersion) {
        return new Builder(P0fVersion.of(protocolVersion));
    }

    /** Which p0f API gave this answer. */
    public P0fVersion version() {
        return version;
    }

    /** 3 for an answer from p0f's v3 API, 2 for one from the v2 API. */
    public int protocolVersion() {
        return version.number();
    }

    public Optional<Instant> firstSeen() {
        return instant(firstSeen);
    }

    public Optional<Instant> lastSeen() {
        return instant(lastSeen);
    }

    public OptionalLong totalConnections() {
        return optional(totalConnections);
    }

    public OptionalLong uptimeMinutes() {
        return optional(uptimeMinutes);
    }

    public OptionalLong upModDays() {
        return optional(upModDays);
    }

    public Optional<Instant> lastNat() {
        return instant(lastNat);
    }

    public Optional<Instant> lastChange() {
        return instant(lastChange);
    }

    /** Network distance in hops. */
    public OptionalInt distance() {
        return distance < 0 ? OptionalInt.empty() : OptionalInt.of(distance);
    }

    /** p0f's bad_sw: 0 none, 1 OS mismatch, 2 outright mismatch (v3 only). */
    public OptionalInt badSoftware() {
        return badSoftware < 0 ? OptionalInt.empty() : OptionalInt.of(badSoftware);
    }

    /** p0f's os_match_q: bit 1 fuzzy, bit 2 generic signature (v3 only). */
    public OptionalInt osMatchQuality() {
        return osMatchQuality < 0 ? OptionalInt.empty() : OptionalInt.of(osMatchQuality);
    }

    public Optional<String> osName() {
        return Optional.ofNullable(osName);
    }

    public Optional<String> osFlavor() {
        return Optional.ofNullable(osFlavor);
    }

    public Optional<String> httpName() {
        return Optional.ofNullable(httpName);
    }

    public Optional<String> httpFlavor() {
        return Optional.ofNullable(httpFlavor);
    }

    public Optional<String> linkType() {
        return Optional.ofNullable(linkType);
    }

    public Optional<String> language() {
        return Optional.ofNullable(language);
    }

    /** Classic name for {@link #osName()}. */
    public Optional<String> genre() {
        return osName();
    }

    /** Classic name for {@link #osFlavor()}. */
    public Optional<String> detail() {
        return osFlavor();
    }

    /** Classic uptime, in whole hours. */
    public OptionalLong uptimeHours() {
        return uptimeMinutes < 0 ? OptionalLong.empty() : OptionalLong.of(uptimeMinutes / 60);
    }

    /** Classic name for {@link #linkType()}. */
    public Optional<String> link() {
        return linkType();
    }

    /**
     * The operating system as one phrase, "os_name os_flavor" (for example "Windows 7 or 8"):
     * what OS rules, blocklists and greylisting match against. Empty when p0f named no OS.
     */
    public String osDescription() {
        if (osName == null) {
            return osFlavor == null ? "" : osFlavor;
        }
        return osFlavor == null ? osName : osName + " " + osFlavor;
    }

    /**
     * Every present field under its note name: the v3 names first, then the classic ones.
     * Values are {@link String}, {@link Long} or {@link Integer}; times are unix seconds.
     */
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        putLong(fields, FIRST_SEEN, firstSeen);
        putLong(fields, LAST_SEEN, lastSeen);
        putLong(fields, TOTAL_CONN, totalConnections);
        putLong(fields, UPTIME_MIN, uptimeMinutes);
        putLong(fields, UP_MOD_DAYS, upModDays);
        putLong(fields, LAST_NAT, lastNat);
        putLong(fields, LAST_CHG, lastChange);
        putInt(fields, DISTANCE, distance);
        putInt(fields, BAD_SW, badSoftware);
        putInt(fields, OS_MATCH_Q, osMatchQuality);
        putString(fields, OS_NAME, osName);
        putString(fields, OS_FLAVOR, osFlavor);
        putString(fields, HTTP_NAME, httpName);
        putString(fields, HTTP_FLAVOR, httpFlavor);
        putString(fields, LINK_TYPE, linkType);
        putString(fields, LANGUAGE, language);
        putString(fields, GENRE, osName);
        putString(fields, DETAIL, osFlavor);
        uptimeHours().ifPresent(hours -> fields.put(UPTIME, hours));
        putString(fields, LINK, linkType);
        return Collections.unmodifiableMap(fields);
    }

    private static void putLong(Map<String, Object> fields, String name, long value) {
        if (value != ABSENT) {
            fields.put(name, value);
        }
    }

    private static void putInt(Map<String, Object> fields, String name, int value) {
        if (value != ABSENT) {
            fields.put(name, value);
        }
    }

    private static void putString(Map<String, Object> fields, String name, String value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    private static OptionalLong optional(long value) {
        return value == ABSENT ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static Optional<Instant> instant(long epochSeconds) {
        return epochSeconds == ABSENT ? Optional.empty() : Optional.of(Instant.ofEpochSecond(epochSeconds));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint
            && ((Fingerprint) o).version == version
            && ((Fingerprint) o).fields().equals(fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    @Override
    public String toString() {
        return "Fingerprint(" + version + ") " + fields();
    }

    /**
     * Builds a fingerprint from raw wire values. The setters take p0f's "unknown" encodings and
     * turn them into absence: time or uptime 0, distance outside 0..254, null or empty strings.
     */
    public static final class Builder {
        private final P0fVersion version;
        private long firstSeen = ABSENT;
        private long lastSeen = ABSENT;
        private long totalConnections = ABSENT;
        private long uptimeMinutes = ABSENT;
        private long upModDays = ABSENT;
        private long lastNat = ABSENT;
        private long lastChange = ABSENT;
        private int distance = (int) ABSENT;
        private int badSoftware = (int) ABSENT;
        private int osMatchQuality = (int) ABSENT;
        private String osName;
        private String osFlavor;
        private String httpName;
        private String httpFlavor;
        private String linkType;
        private String language;

        private Builder(P0fVersion version) {
            this.version = Objects.requireNonNull(version, "version");
        }

        public Builder firstSeen(long epochSeconds) {
            this.firstSeen = positiveOrAbsent(epochSeconds);
            return this;
        }

        public Builder lastSeen(long epochSeconds) {
            this.lastSeen = positiveOrAbsent(epochSeconds);
            return this;
        }

        /** Unlike times, a connection count of 0 is a real value. */
        public Builder totalConnections(long count) {
            this.totalConnections = count < 0 ? ABSENT : count;
            return this;
        }

        public Builder uptimeMinutes(long minutes) {
            this.uptimeMinutes = positiveOrAbsent(minutes);
            return this;
        }

        public Builder upModDays(long days) {
            this.upModDays = positiveOrAbsent(days);
            return this;
        }

        public Builder lastNat(long epochSeconds) {
            this.lastNat = positiveOrAbsent(epochSeconds);
            return this;
        }

        public Builder lastChange(long epochSeconds) {
            this.lastChange = positiveOrAbsent(epochSeconds);
            return this;
        }

        /** p0f reports an unknown distance as 255 (v3) or -1 (v2). */
        public Builder distance(int hops) {
            this.distance = hops < 0 || hops >= 255 ? (int) ABSENT : hops;
            return this;
        }

        public Builder badSoftware(int value) {
            this.badSoftware = value < 0 ? (int) ABSENT : value;
            return this;
        }

        public Builder osMatchQuality(int value) {
            this.osMatchQuality = value < 0 ? (int) ABSENT : value;
            return this;
        }

        public Builder osName(String value) {
            this.osName = textOrAbsent(value);
            return this;
        }

        public Builder osFlavor(String value) {
            this.osFlavor = textOrAbsent(value);
            return this;
        }

        public Builder httpName(String value) {
            this.httpName = textOrAbsent(value);
            return this;
        }

        public Builder httpFlavor(String value) {
            this.httpFlavor = textOrAbsent(value);
            return this;
        }

        public Builder linkType(String value) {
            this.linkType = textOrAbsent(value);
            return this;
        }

        public Builder language(String value) {
            this.language = textOrAbsent(value);
            return this;
        }

        public Fingerprint build() {
            return new Fingerprint(this);
        }

        private static long positiveOrAbsent(long value) {
            return value <= 0 ? ABSENT : value;
        }

        private static String textOrAbsent(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
