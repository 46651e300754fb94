package io.github.jamesp0f.client.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * A v3 connection's thread. The lookups that its answers' dependent actions ask (a chain of
 * lookups, each started by the previous answer) are written once the answers of one read have
 * all been handed out: one write per connection and read instead of one per lookup.
 */
final class ConnectionThread extends Thread {

    private final List<QueryPipeline> toWrite = new ArrayList<>(2);

    ConnectionThread(Runnable run, String name) {
        super(run, name);
        setDaemon(true);
    }

    /** {@code pipeline} has lookups queued by this thread: written at {@link #writeDeferred}. */
    void deferWrite(QueryPipeline pipeline) {
        if (!toWrite.contains(pipeline)) {
            toWrite.add(pipeline);
        }
    }

    /** Writes what this thread queued; called before it blocks or ends, or those lookups wait for nothing. */
    void writeDeferred() {
        while (!toWrite.isEmpty()) {
            // Removed first: a lookup refused by one pipeline may be queued again on any other.
            toWrite.remove(toWrite.size() - 1).writeQueued();
        }
    }
}
