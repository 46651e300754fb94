package io.github.jamesp0f.testing.james;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SMTP servers {@link SmtpLoadHarness} loads, one per scenario, all in one James. Without
 * {@code load.scenarios} all but the proxied pair run (the kernel source only where James has the
 * epoll transport); the proxied pair runs when named.
 */
enum LoadScenario {
    WITHOUT_EXTENSION("without extension"),
    /** The kernel's saved SYN matched in James, no daemon (James 3.9 with epoll only). */
    KERNEL("kernel source"),
    LIVE("live p0f"), STALLED("p0f stalled"), MISSING("socket missing"),
    /** Live p0f, but the handler's default cache (60s): every client here is 127.0.0.1, so answers come from it. */
    CACHED("live p0f, cached"),
    /** A second server without the handler: its ratio to the first shows the harness's own noise. */
    CONTROL("without, again"),
    /** proxyRequired, every client writes a PROXY v2 header; no handler: the proxied baseline. */
    PROXIED_WITHOUT("proxied, without"),
    /** proxyRequired and the handler asking the live p0f over TCP, through the relay contrib/edge ships. */
    PROXIED("proxied, p0f TCP");

    private static final Map<String, List<LoadScenario>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("without", List.of(WITHOUT_EXTENSION));
        BY_NAME.put("kernel", List.of(KERNEL));
        BY_NAME.put("live", List.of(LIVE));
        BY_NAME.put("stalled", List.of(STALLED));
        BY_NAME.put("missing", List.of(MISSING));
        BY_NAME.put("cached", List.of(CACHED));
        BY_NAME.put("control", List.of(CONTROL));
        // Measured against its own baseline: both come together.
        BY_NAME.put("proxied", List.of(PROXIED_WITHOUT, PROXIED));
    }

    final String label;

    LoadScenario(String label) {
        this.label = label;
    }

    /** Its clients write a PROXY header first. */
    boolean proxied() {
        return this == PROXIED_WITHOUT || this == PROXIED;
    }

    /**
     * From {@code load.scenarios}: the named ones plus both servers without the extension, in
     * declaration order; blank: all that are not proxied (the kernel source only with epoll: James
     * 3.8 refuses it).
     */
    static List<LoadScenario> chosen(String names) {
        if (names.isBlank()) {
            return LoadTarget.epoll() ? List.of(WITHOUT_EXTENSION, KERNEL, LIVE, STALLED, MISSING, CACHED, CONTROL)
                : List.of(WITHOUT_EXTENSION, LIVE, STALLED, MISSING, CACHED, CONTROL);
        }
        Set<LoadScenario> chosen = EnumSet.of(WITHOUT_EXTENSION, CONTROL);
        for (String name : names.split(",")) {
            List<LoadScenario> named = BY_NAME.get(name.trim());
            if (named == null) {
                throw new IllegalArgumentException("load.scenarios: unknown scenario '" + name.trim() + "' (known: "
                    + String.join(", ", BY_NAME.keySet()) + ")");
            }
            chosen.addAll(named);
        }
        return List.copyOf(chosen);
    }
}
