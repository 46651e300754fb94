package io.github.jamesp0f.client.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus.State;
import io.github.jamesp0f.client.P0fLookup;

/** Keeps everything a client tells its listener. */
final class RecordingListener implements P0fClientListener {

    final List<P0fLookup> completed = new CopyOnWriteArrayList<>();
    final List<String> changes = new CopyOnWriteArrayList<>();

    @Override
    public void lookupCompleted(P0fLookup lookup, long elapsedNanos) {
        completed.add(lookup);
    }

    @Override
    public void stateChanged(State from, State to, String reason) {
        changes.add(from + "->" + to);
    }
}
