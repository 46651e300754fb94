package io.github.jamesp0f.syn;

/**
 * The IP and TCP header oddities p0f 3 notes in a signature's {@code quirks} field, in the order
 * p0f writes them. A set of quirks is an {@code int} with one {@link #bit()} per quirk, so that a
 * SYN's quirks and a signature's compare without allocating.
 */
public enum Quirk {
    /** Don't fragment set (IPv4). */
    DF("df", 4),
    /** DF set and the IP ID non-zero (IPv4). */
    NONZERO_ID("id+", 4),
    /** DF clear and the IP ID zero (IPv4). */
    ZERO_ID("id-", 4),
    /** ECN: an ECN codepoint in the IP header, or ECE, CWR or NS in the TCP flags. */
    ECN("ecn", 0),
    /** The IPv4 header's reserved flag ("must be zero") set. */
    MUST_BE_ZERO("0+", 4),
    /** A non-zero IPv6 flow label. */
    FLOW("flow", 6),
    /** Sequence number zero. */
    ZERO_SEQ("seq-", 0),
    /** ACK number non-zero without the ACK flag, as p0f 3.09b tests it (see {@link SynParser}). */
    NONZERO_ACK("ack+", 0),
    /** ACK flag with a zero ACK number: never on a SYN that p0f fingerprints, which has no ACK flag. */
    ZERO_ACK("ack-", 0),
    /** Urgent pointer non-zero without the URG flag. */
    NONZERO_URG("uptr+", 0),
    /** URG flag set. */
    URG("urgf+", 0),
    /** PUSH flag set. */
    PUSH("pushf+", 0),
    /** Own timestamp zero. */
    ZERO_TS1("ts1-", 0),
    /** Peer timestamp non-zero on a SYN. */
    NONZERO_TS2("ts2+", 0),
    /** Non-zero bytes in the padding after the end-of-options option. */
    OPT_AFTER_EOL("opt+", 0),
    /** Window scale above 14. */
    EXCESSIVE_WSCALE("exws", 0),
    /** Malformed TCP options. */
    BAD_OPTIONS("bad", 0);

    /** Quirks of the IPv4 header, which p0f ignores in a signature for both versions matched against IPv6. */
    public static final int IPV4_ONLY = maskOf(4);
    /** Quirks of the IPv6 header, ignored likewise against IPv4. */
    public static final int IPV6_ONLY = maskOf(6);
    /** What p0f lets disappear in a fuzzy match: the SYN lacks a signature's {@code df} or {@code id+}. */
    public static final int MAY_DISAPPEAR = DF.bit | NONZERO_ID.bit;
    /** What p0f lets appear in a fuzzy match: the SYN has an {@code id-} or {@code ecn} the signature lacks. */
    public static final int MAY_APPEAR = ZERO_ID.bit | ECN.bit;

    private static final Quirk[] ALL = values();

    private final String text;
    private final int ipVersion;
    private final int bit;

    Quirk(String text, int ipVersion) {
        this.text = text;
        this.ipVersion = ipVersion;
        this.bit = 1 << ordinal();
    }

    /** As p0f writes it, e.g. {@code id+}. */
    public String text() {
        return text;
    }

    public int bit() {
        return bit;
    }

    /** 4 or 6 for a quirk of that IP version's header, 0 for a TCP quirk or one of both (ecn). */
    public int ipVersion() {
        return ipVersion;
    }

    /** The quirk p0f writes as {@code text}, or null. */
    static Quirk byText(String text) {
        for (Quirk quirk : ALL) {
            if (quirk.text.equals(text)) {
                return quirk;
            }
        }
        return null;
    }

    /** A set of quirks as p0f writes it: comma-separated in p0f's order, empty for none. */
    public static String describe(int quirks) {
        StringBuilder text = new StringBuilder();
        for (Quirk quirk : ALL) {
            if ((quirks & quirk.bit) != 0) {
                text.append(text.length() == 0 ? "" : ",").append(quirk.text);
            }
        }
        return text.toString();
    }

    private static int maskOf(int ipVersion) {
        int mask = 0;
        for (Quirk quirk : values()) {
            if (quirk.ipVersion == ipVersion) {
                mask |= quirk.bit;
            }
        }
        return mask;
    }
}
