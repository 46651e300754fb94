package io.github.jamesp0f.dns;

import java.util.Locale;
import java.util.Optional;

/**
 * What forward-confirmed reverse DNS (FCrDNS) found for one address: a confirmed host name (its
 * PTR names it, and that name's A or AAAA records contain the address), no confirmed name (no PTR,
 * or no PTR name resolves back), or a failure (timeout, SERVFAIL...). Only a confirmed name may be
 * trusted: anyone can publish a PTR record naming any host for their own addresses.
 */
public final class ReverseName {

    public enum Outcome { CONFIRMED, UNCONFIRMED, FAILED }

    private final Outcome outcome;
    private final String name;
    private final String detail;

    private ReverseName(Outcome outcome, String name, String detail) {
        this.outcome = outcome;
        this.name = name;
        this.detail = detail;
    }

    /** {@code name}: lower-cased here, without the final dot. */
    public static ReverseName confirmed(String name) {
        String plain = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return new ReverseName(Outcome.CONFIRMED, plain.toLowerCase(Locale.ROOT), "confirmed");
    }

    public static ReverseName unconfirmed(String detail) {
        return new ReverseName(Outcome.UNCONFIRMED, null, detail);
    }

    public static ReverseName failed(String detail) {
        return new ReverseName(Outcome.FAILED, null, detail);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The confirmed host name, e.g. "mail-ab1.outbound.protection.outlook.com"; empty unless CONFIRMED. */
    public Optional<String> confirmedName() {
        return Optional.ofNullable(name);
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    @Override
    public String toString() {
        return outcome == Outcome.CONFIRMED ? "confirmed " + name : outcome.name().toLowerCase(Locale.ROOT) + " (" + detail + ")";
    }
}
