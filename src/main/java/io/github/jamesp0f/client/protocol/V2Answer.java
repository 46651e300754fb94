package io.github.jamesp0f.client.protocol;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.fingerprint.P0fVersion;
import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fLookup;

/** Every field of a p0f 2 answer, as sent; {@link #toLookup()} keeps what {@link Fingerprint} holds. */
public final class V2Answer {

    private final int type;
    private final String genre;
    private final String detail;
    private final int distance;
    private final String link;
    private final String tos;
    private final int firewall;
    private final int nat;
    private final int real;
    private final int score;
    private final int matchFlags;
    private final int uptimeHours;

    V2Answer(int type, String genre, String detail, int distance, String link, String tos, int firewall,
             int nat, int real, int score, int matchFlags, int uptimeHours) {
        this.type = type;
        this.genre = genre;
        this.detail = detail;
        this.distance = distance;
        this.link = link;
        this.tos = tos;
        this.firewall = firewall;
        this.nat = nat;
        this.real = real;
        this.score = score;
        this.matchFlags = matchFlags;
        this.uptimeHours = uptimeHours;
    }

    /** 0 OK, 1 BADQUERY, 2 NOMATCH. */
    public int type() {
        return type;
    }

    public String genre() {
        return genre;
    }

    public String detail() {
        return detail;
    }

    /** Hops, -1 when unknown. */
    public int distance() {
        return distance;
    }

    public String link() {
        return link;
    }

    public String tos() {
        return tos;
    }

    public int firewall() {
        return firewall;
    }

    public int nat() {
        return nat;
    }

    public int real() {
        return real;
    }

    /** Masquerade score, -100 when there is none. */
    public int score() {
        return score;
    }

    public int matchFlags() {
        return matchFlags;
    }

    /** Hours, -1 when unknown. */
    public int uptimeHours() {
        return uptimeHours;
    }

    public P0fLookup toLookup() {
        switch (type) {
            case V2Codec.TYPE_OK:
                return P0fLookup.match(Fingerprint.builder(P0fVersion.V2)
                    .osName(genre)
                    .osFlavor(detail)
                    .distance(distance)
                    .linkType(link)
                    .uptimeMinutes(uptimeHours < 0 ? 0 : uptimeHours * 60L)
                    .build());
            case V2Codec.TYPE_NOMATCH:
                return P0fLookup.noMatch();
            default:
                return P0fLookup.failed(FailureWords.BAD_QUERY);
        }
    }
}
