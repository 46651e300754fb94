package io.github.jamesp0f.syn;

import java.util.Optional;
import java.util.OptionalInt;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.fingerprint.P0fVersion;

/**
 * What p0f's SYN matching concludes about one SYN: the signature that matched (if any), how well,
 * the distance and the link type, and what p0f's API would then report ({@link #toFingerprint()}).
 * What one SYN cannot tell (uptime, first and last seen, connection count, NAT or OS changes) is
 * not here.
 */
public final class SynMatch {

    /** p0f's own probe tool, p0f-sendsyn, sends MSS 1331 and window 1337; p0f never names an OS for it. */
    private static final int PROBE_MSS = 1331;
    private static final int PROBE_WINDOW = 1337;
    private static final int QUALITY_FUZZY = 1;
    private static final int QUALITY_GENERIC = 2;

    private final SynSignature syn;
    private final TcpSignature signature;
    private final boolean fuzzy;
    private final String linkType;

    SynMatch(SynSignature syn, TcpSignature signature, boolean fuzzy, MtuTable mtus) {
        this.syn = syn;
        this.signature = signature;
        this.fuzzy = fuzzy;
        this.linkType = namesHost(signature, syn) && syn.mss > 0 ? mtus.linkType(syn.mtu()) : null;
    }

    /** p0f reports neither OS nor link for an application's signature, nor for its own probes. */
    private static boolean namesHost(TcpSignature signature, SynSignature syn) {
        boolean probe = syn.mss == PROBE_MSS && syn.window == PROBE_WINDOW;
        return !probe && (signature == null || !signature.label.isApplication());
    }

    public SynSignature syn() {
        return syn;
    }

    /** The signature that matched, an application's included. */
    public Optional<TcpSignature> signature() {
        return Optional.ofNullable(signature);
    }

    /** The operating system, as p0f's API would name it: absent for no match, an application or p0f's probe. */
    public Optional<SignatureLabel> os() {
        return signature != null && namesHost(signature, syn) ? Optional.of(signature.label) : Optional.empty();
    }

    public boolean isFuzzy() {
        return fuzzy;
    }

    /** p0f's os_match_q: 1 fuzzy, 2 generic, 3 both, 0 an exact specific match (and no match). */
    public int osMatchQuality() {
        if (signature == null) {
            return 0;
        }
        return (fuzzy ? QUALITY_FUZZY : 0) | (signature.label.isGeneric() ? QUALITY_GENERIC : 0);
    }

    /**
     * Hops from the sender: from the matched signature's initial TTL, or guessed from the SYN's TTL
     * (32, 64, 128, 255) without a match or when the TTL does not fit the signature's; unknown for a
     * signature whose TTL is random ({@code 64-}).
     */
    public OptionalInt distance() {
        if (signature != null && signature.randomTtl) {
            return OptionalInt.empty();
        }
        if (signature != null && syn.ttl <= signature.ttl && signature.ttl - syn.ttl <= SynSignature.MAX_DISTANCE) {
            return OptionalInt.of(signature.ttl - syn.ttl);
        }
        return OptionalInt.of(syn.guessedDistance());
    }

    /** The link type from the [mtu] table for the SYN's MSS, as p0f reports it. */
    public Optional<String> linkType() {
        return Optional.ofNullable(linkType);
    }

    /** The one model of what is known about a client: what p0f's v3 API would answer after this SYN alone. */
    public Fingerprint toFingerprint() {
        Fingerprint.Builder fingerprint = Fingerprint.builder(P0fVersion.V3).linkType(linkType);
        distance().ifPresent(fingerprint::distance);
        os().ifPresent(os -> fingerprint.osName(os.name()).osFlavor(os.flavor()).osMatchQuality(osMatchQuality()));
        return fingerprint.build();
    }

    @Override
    public String toString() {
        String what = os().map(SignatureLabel::toString)
            .orElse(signature == null ? "no match" : "application " + signature.label);
        return what + (fuzzy ? " (fuzzy)" : "") + " for " + syn;
    }
}
