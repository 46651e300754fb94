package io.github.jamesp0f.greylist;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What greylisting knows of a client before its first RCPT: whether the OS conditions select it
 * and, for a selected client when exemptions or {@code keyBy hostname} need it, its
 * forward-confirmed host name. Decided once per connection, as soon as p0f has answered.
 */
final class Screening {

    static final Screening NOT_SELECTED = new Screening(false, Optional.empty());
    static final Screening SELECTED = new Screening(true, Optional.empty());
    /** Shared by every session that needs no DNS: completed, so nothing waits on it. */
    static final CompletableFuture<Screening> NOT_SELECTED_NOW = CompletableFuture.completedFuture(NOT_SELECTED);
    static final CompletableFuture<Screening> SELECTED_NOW = CompletableFuture.completedFuture(SELECTED);

    private final boolean selected;
    private final Optional<String> confirmedName;

    private Screening(boolean selected, Optional<String> confirmedName) {
        this.selected = selected;
        this.confirmedName = confirmedName;
    }

    static Screening selected(Optional<String> confirmedName) {
        return new Screening(true, confirmedName);
    }

    static Screening of(boolean selected) {
        return selected ? SELECTED : NOT_SELECTED;
    }

    boolean isSelected() {
        return selected;
    }

    /** The client's FCrDNS name, when one was looked up and confirmed. */
    Optional<String> confirmedName() {
        return confirmedName;
    }
}
