package io.github.jamesp0f.client.transport;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The lookups queued on one connection, oldest first. A lookup keeps its place until its answer
 * is read, even after it timed out or was cancelled: answers carry no id, so the place is what
 * pairs the next answer with its query. Guarded by its {@link QueryPipeline}'s lock.
 */
final class OwedLookups {

    private final ArrayDeque<PendingLookup> queue;
    private long answersRead;

    OwedLookups(int capacity) {
        this.queue = new ArrayDeque<>(capacity);
    }

    void add(PendingLookup p) {
        queue.addLast(p);
    }

    /**
     * Takes the {@code count} oldest into {@code batch}; false, taking none, if fewer than that
     * were asked ({@code written} queries are whole on the socket).
     */
    boolean pair(int count, long written, PendingLookup[] batch) {
        if (answersRead + count > written) {
            return false;
        }
        answersRead += count;
        for (int i = 0; i < count; i++) {
            batch[i] = queue.pollFirst();
        }
        return true;
    }

    /** Answers p0f still owes for the {@code written} queries. */
    long unanswered(long written) {
        return written - answersRead;
    }

    /**
     * Adds the lookups whose deadline passed to {@code expired} (they keep their place); returns
     * the earliest deadline still to come, or {@code Long.MAX_VALUE}. Every lookup is looked at:
     * a NOMATCH retry may be due before lookups queued ahead of it.
     */
    long expire(long nowNanos, List<PendingLookup> expired) {
        long next = Long.MAX_VALUE;
        for (PendingLookup p : queue) {
            if (p.isDone()) {
                continue;
            }
            if (p.deadlineNanos - nowNanos <= 0) {
                expired.add(p);
            } else if (next == Long.MAX_VALUE || p.deadlineNanos - next < 0) {
                next = p.deadlineNanos;
            }
        }
        return next;
    }

    /** Adds the lookups still waiting for their outcome to {@code into}; they keep their place. */
    void addWaiting(List<PendingLookup> into) {
        for (PendingLookup p : queue) {
            if (!p.isDone()) {
                into.add(p);
            }
        }
    }

    /** Moves every lookup into {@code into}: no answer will be paired any more. */
    void removeAll(List<PendingLookup> into) {
        into.addAll(queue);
        queue.clear();
    }
}
