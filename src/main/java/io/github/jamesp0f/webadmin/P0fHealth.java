package io.github.jamesp0f.webadmin;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.github.jamesp0f.client.P0fClientStatus;

/**
 * How the extension is doing, judged from its p0f clients. A p0f that cannot be reached is
 * DEGRADED, never unhealthy: mail still flows (without fingerprints), so nothing must page anyone
 * as if James were down.
 */
public final class P0fHealth {

    public enum Level { HEALTHY, DEGRADED }

    private final Level level;
    private final String cause;

    private P0fHealth(Level level, String cause) {
        this.level = level;
        this.cause = cause;
    }

    public static P0fHealth of(Collection<P0fClientStatus> clients) {
        List<String> problems = clients.stream()
            .filter(status -> status.state() == P0fClientStatus.State.BACKING_OFF
                || status.state() == P0fClientStatus.State.CLOSED)
            .map(P0fHealth::describe)
            .collect(Collectors.toList());
        if (problems.isEmpty()) {
            return new P0fHealth(Level.HEALTHY, null);
        }
        return new P0fHealth(Level.DEGRADED, String.join("; ", problems)
            + "; mail flows without p0f fingerprints until p0f answers again");
    }

    private static String describe(P0fClientStatus status) {
        String state = status.state() == P0fClientStatus.State.CLOSED ? "closed" : "unreachable";
        return "p0f at " + status.endpoint() + " " + state + " since " + status.since()
            + status.lastError().map(error -> " (" + error + ")").orElse("");
    }

    public Level level() {
        return level;
    }

    /** Why the extension is degraded; empty when healthy. */
    public Optional<String> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return level + (cause == null ? "" : ": " + cause);
    }
}
