package io.github.jamesp0f.syn;

/**
 * What p0f 3 reads from one SYN, before any database: what it logs as {@code raw_sig}, e.g.
 * {@code 4:64+0:0:1460:mss*44,10:mss,sok,ts,nop,ws:df,id+:0}. Made by {@link SynParser}.
 *
 * <p>Immutable once {@link SynParser} returns it. Its fields are not final because the parser
 * fills them in place, so that reading a SYN allocates this object and nothing else; hand it to
 * another thread as you would any object (through a future, a queue, a volatile field).
 */
public final class SynSignature {

    /**
     * p0f's limit for a plausible distance: a TTL further than this below a signature's initial TTL
     * makes a fuzzy match, and a guessed distance above it is logged as {@code ?}.
     */
    static final int MAX_DISTANCE = 35;
    /** p0f relates window to MSS or MTU only for an MSS at least this large. */
    private static final int MIN_MSS_FOR_MULTIPLE = 100;
    private static final int IPV4_HEADERS = 40;
    private static final int IPV6_HEADERS = 60;
    private static final int TIMESTAMP_BYTES = 12;
    private static final int MTU_ETHERNET = 1500;
    private static final int MSS_1500_IPV4 = MTU_ETHERNET - IPV4_HEADERS;
    private static final int MSS_1500_IPV6 = MTU_ETHERNET - IPV6_HEADERS;

    int ipVersion;
    int ttl;
    int ipOptionsLength;
    int quirks;
    int window;
    int mss;
    int windowScale;
    long layout0;
    long layout1;
    long layout2;
    int optionCount;
    int eolPadding;
    boolean payload;
    /** A timestamp option with a non-zero own timestamp (TSval). */
    boolean hasOwnTimestamp;
    /** IP header and TCP header, options included. */
    int headerLength;

    SynSignature() {
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    /** The IPv4 TTL or IPv6 hop limit as received. */
    public int ttl() {
        return ttl;
    }

    /** Length of IPv4 options; 0 for IPv6 (p0f does not count extension headers). */
    public int ipOptionsLength() {
        return ipOptionsLength;
    }

    /** The set of {@link Quirk} bits. */
    public int quirks() {
        return quirks;
    }

    public boolean has(Quirk quirk) {
        return (quirks & quirk.bit()) != 0;
    }

    /** The TCP window as sent, not scaled. */
    public int window() {
        return window;
    }

    /** The MSS option's value (the last one if repeated), 0 without one. */
    public int mss() {
        return mss;
    }

    /** The window scale option's shift count, 0 without one. */
    public int windowScale() {
        return windowScale;
    }

    public OptionLayout layout() {
        return new OptionLayout(layout0, layout1, layout2, optionCount, eolPadding);
    }

    boolean hasLayout(OptionLayout layout) {
        return layout.matches(layout0, layout1, layout2, optionCount, eolPadding);
    }

    /** Whether the SYN carries data (p0f's payload class {@code +}, else {@code 0}). */
    public boolean hasPayload() {
        return payload;
    }

    /** The initial TTL p0f assumes when no signature says otherwise: the next of 32, 64, 128, 255. */
    public int guessedInitialTtl() {
        return ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
    }

    /** Hops from the guessed initial TTL. */
    public int guessedDistance() {
        return guessedInitialTtl() - ttl;
    }

    /** The largest IP datagram the MSS implies: MSS plus the 40 (IPv4) or 60 (IPv6) header bytes p0f counts. */
    public int mtu() {
        return mss + (ipVersion == 4 ? IPV4_HEADERS : IPV6_HEADERS);
    }

    /**
     * p0f's reading of the window as a multiple: N for {@code mss*N}, -N for {@code mtu*N}, 0 for
     * neither. Like p0f, it tries the MSS, then sizes a sender may have taken the window from
     * instead: the MSS less 12 bytes of timestamps (if the SYN has its own timestamp), the MSS of a
     * 1500-byte MTU (with and without timestamps, over IPv4 then IPv6); then the MTU: MSS plus 40,
     * MSS plus this SYN's own IP and TCP headers (options included), MSS plus 60 over IPv6, and 1500.
     * The first that divides the window counts; none for an MSS below 100 or a zero window.
     */
    int windowMultiple() {
        if (window == 0 || mss < MIN_MSS_FOR_MULTIPLE) {
            return 0;
        }
        int size = mssWindowTakenFrom();
        if (size > 0) {
            return window / size;
        }
        size = mtuWindowTakenFrom();
        return size > 0 ? -(window / size) : 0;
    }

    private int mssWindowTakenFrom() {
        boolean ipv6 = ipVersion == 6;
        if (divides(mss)) {
            return mss;
        } else if (hasOwnTimestamp && divides(mss - TIMESTAMP_BYTES)) {
            return mss - TIMESTAMP_BYTES;
        } else if (divides(MSS_1500_IPV4)) {
            return MSS_1500_IPV4;
        } else if (divides(MSS_1500_IPV4 - TIMESTAMP_BYTES)) {
            return MSS_1500_IPV4 - TIMESTAMP_BYTES;
        } else if (ipv6 && divides(MSS_1500_IPV6)) {
            return MSS_1500_IPV6;
        } else if (ipv6 && divides(MSS_1500_IPV6 - TIMESTAMP_BYTES)) {
            return MSS_1500_IPV6 - TIMESTAMP_BYTES;
        }
        return 0;
    }

    private int mtuWindowTakenFrom() {
        if (divides(mss + IPV4_HEADERS)) {
            return mss + IPV4_HEADERS;
        } else if (divides(mss + headerLength)) {
            return mss + headerLength;
        } else if (ipVersion == 6 && divides(mss + IPV6_HEADERS)) {
            return mss + IPV6_HEADERS;
        }
        return divides(MTU_ETHERNET) ? MTU_ETHERNET : 0;
    }

    private boolean divides(int size) {
        return window % size == 0;
    }

    /** The signature as p0f logs it ({@code raw_sig}); the distance is {@code ?} where p0f prints it so. */
    @Override
    public String toString() {
        int distance = guessedDistance();
        int multiple = windowMultiple();
        String windowText = multiple > 0 ? "mss*" + multiple : multiple < 0 ? "mtu*" + -multiple
            : Integer.toString(window);
        return ipVersion + ":" + ttl + "+" + (distance > MAX_DISTANCE ? "?" : Integer.toString(distance))
            + ":" + ipOptionsLength + ":" + mss + ":" + windowText + "," + windowScale
            + ":" + OptionLayout.describe(layout0, layout1, layout2, optionCount, eolPadding)
            + ":" + Quirk.describe(quirks) + ":" + (payload ? "+" : "0");
    }
}
