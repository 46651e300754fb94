package io.github.jamesp0f.syn;

import java.nio.ByteBuffer;

/**
 * Matches SYNs against a {@link P0fDatabase} with p0f 3's rules, as the p0f daemon applies them:
 * <ol>
 * <li>signatures are tried in file order; the first specific signature that matches exactly wins;</li>
 * <li>else the first generic one that matches exactly;</li>
 * <li>else the first fuzzy match, unless it is an application's (class {@code !}): then none. A match
 * is fuzzy when the SYN lacks the signature's {@code df} or {@code id+}, has an {@code id-} or
 * {@code ecn} it lacks, or its TTL is above the signature's or more than 35 below it.</li>
 * </ol>
 * Like the daemon, it does not hold a signature's IP version against the SYN's: {@code 4} or
 * {@code 6} only decides which quirks the signature may have, and a signature for both versions
 * ignores the other version's quirks. An IPv6 SYN can so match a {@code 4} signature (fuzzily, when
 * the signature has {@code df}).
 *
 * <p>Thread-safe; a match allocates its result and the parsed SYN, nothing else.
 */
public final class SynMatcher {

    private static final int NO_MATCH = 0;
    private static final int EXACT = 1;
    private static final int FUZZY = 2;

    private final P0fDatabase database;
    private final TcpSignature[] signatures;

    public SynMatcher(P0fDatabase database) {
        this.database = database;
        this.signatures = database.requestSignatures().toArray(new TcpSignature[0]);
    }

    /**
     * Matches the SYN between the buffer's position and limit (IP header first), without moving them.
     *
     * @throws MalformedSynException when the bytes are not a SYN p0f would fingerprint
     */
    public SynMatch match(ByteBuffer syn) {
        return match(SynParser.parse(syn));
    }

    public SynMatch match(SynSignature syn) {
        TcpSignature generic = null;
        TcpSignature fuzzy = null;
        for (TcpSignature signature : signatures) {
            int outcome = compare(signature, syn);
            if (outcome == EXACT) {
                if (!signature.label.isGeneric()) {
                    return new SynMatch(syn, signature, false, database.mtuTable());
                }
                if (generic == null) {
                    generic = signature;
                }
            } else if (outcome == FUZZY && fuzzy == null) {
                fuzzy = signature;
            }
        }
        if (generic != null) {
            return new SynMatch(syn, generic, false, database.mtuTable());
        }
        if (fuzzy != null && !fuzzy.label.isApplication()) {
            return new SynMatch(syn, fuzzy, true, database.mtuTable());
        }
        return new SynMatch(syn, null, false, database.mtuTable());
    }

    public P0fDatabase database() {
        return database;
    }

    /** NO_MATCH, EXACT or FUZZY: one signature against one SYN of the same option layout. */
    private static int compare(TcpSignature signature, SynSignature syn) {
        if (!syn.hasLayout(signature.layout)) {
            return NO_MATCH;
        }
        boolean fuzzy = false;
        int expected = signature.quirks;
        if (signature.ipVersion == TcpSignature.ANY) {
            expected &= ~(syn.ipVersion == 4 ? Quirk.IPV6_ONLY : Quirk.IPV4_ONLY);
        }
        if (expected != syn.quirks) {
            int missing = expected & ~syn.quirks;
            int extra = syn.quirks & ~expected;
            if ((missing & ~Quirk.MAY_DISAPPEAR) != 0 || (extra & ~Quirk.MAY_APPEAR) != 0) {
                return NO_MATCH;
            }
            fuzzy = true;
        }
        if (signature.ipOptionsLength != syn.ipOptionsLength) {
            return NO_MATCH;
        }
        if (signature.randomTtl) {
            if (syn.ttl > signature.ttl) {
                return NO_MATCH;
            }
        } else if (syn.ttl > signature.ttl || signature.ttl - syn.ttl > SynSignature.MAX_DISTANCE) {
            fuzzy = true;
        }
        if (!wildcardOr(signature.mss, syn.mss) || !wildcardOr(signature.windowScale, syn.windowScale)
            || !wildcardOr(signature.payload, syn.payload ? 1 : 0) || !windowMatches(signature, syn)) {
            return NO_MATCH;
        }
        return fuzzy ? FUZZY : EXACT;
    }

    private static boolean wildcardOr(int expected, int actual) {
        return expected == TcpSignature.ANY || expected == actual;
    }

    private static boolean windowMatches(TcpSignature signature, SynSignature syn) {
        switch (signature.windowKind) {
            case CONSTANT:
                return syn.window == signature.windowValue;
            case MODULO:
                return syn.window % signature.windowValue == 0;
            case MSS_MULTIPLE:
                return syn.windowMultiple() == signature.windowValue;
            case MTU_MULTIPLE:
                return syn.windowMultiple() == -signature.windowValue;
            default:
                return true;
        }
    }
}
