package io.github.jamesp0f.labels;

import java.util.Map;
import java.util.Optional;

import io.github.jamesp0f.testing.SignatureLines;

/**
 * Where a SYN built from a stock {@code [tcp:request]} line is not labelled as that line says, on
 * purpose: each entry names the line's signature, the label p0f gives instead, and why.
 */
final class StockLabelChanges {

    /** A label that differs from the line's own, with the reason. */
    static final class Change {
        final String label;
        final String reason;

        Change(String label, String reason) {
            this.label = label;
            this.reason = reason;
        }
    }

    /**
     * The shipped database refines these stock labels. A SYN built from the line gets the new label
     * from p0f loaded with contrib/p0f/p0f.fp, where stock p0f gives the line's own.
     */
    static final Map<String, Change> REFINED = Map.of(
        "*:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0", new Change("Linux 3.11-4.18",
            "was '3.11 and newer': Linux 4.19 raised the SYN window to ~64 KB, mss*20 is 3.11 to 4.18"),
        "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0", new Change("Linux 3.11-4.18",
            "was '3.11 and newer': Linux 4.19 raised the SYN window to ~64 KB, mss*20 is 3.11 to 4.18"),
        "*:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0", new Change("Linux",
            "was '2.2.x-3.x': the catch-all also catches 4.x to 6.x kernels with an unusual window"),
        "*:64:0:*:*,*:mss,nop,nop,sok,nop,ws:df,id+:0", new Change("Linux (no timestamps)",
            "was '2.2.x-3.x (no timestamps)': the catch-all has no upper version"),
        "*:64:0:*:*,0:mss:df,id+:0", new Change("Linux (barebone)",
            "was '2.2.x-3.x (barebone)': the catch-all has no upper version"));

    /**
     * Stock p0f itself gives these lines' SYNs another label: without a ws option the scale can
     * only be 0, so an earlier specific line with scale 0 always matches first.
     */
    static final Map<String, Change> SHADOWED_IN_STOCK = Map.of(
        "*:128:0:*:16384,*:mss,nop,nop,sok:df,id+:0", new Change("Windows XP",
            "shadowed by XP's 16384,0 (no ws option: scale 0)"),
        "*:128:0:*:65535,*:mss,nop,nop,sok:df,id+:0", new Change("Windows XP",
            "shadowed by XP's 65535,0 (no ws option: scale 0)"),
        "*:128:0:*:8192,*:mss,nop,nop,sok:df,id+:0", new Change("Windows 7 or 8",
            "shadowed by 7 or 8's 8192,0 (no ws option: scale 0)"));

    private StockLabelChanges() {
    }

    static Optional<Change> refined(SignatureLines.Line stock) {
        return Optional.ofNullable(REFINED.get(stock.sig));
    }

    /** The label stock p0f gives a SYN built from this stock line. */
    static String stockLabel(SignatureLines.Line stock) {
        Change shadow = SHADOWED_IN_STOCK.get(stock.sig);
        return shadow != null ? shadow.label : stock.os();
    }
}
