package io.github.jamesp0f.client.transport;

import java.time.Instant;

import io.github.jamesp0f.client.FailureWords;
import io.github.jamesp0f.client.P0fClientListener;
import io.github.jamesp0f.client.P0fClientStatus.State;
import io.github.jamesp0f.client.P0fFailure;

/**
 * The client's health and its back-off. After p0f fails (no socket, refused, denied, silent,
 * hung up), lookups fail fast without touching the socket until the retry window passes; then
 * lookups try again, and the first answer from p0f ends the back-off. Each change of state is
 * told to the listener once. Changes are made under this object's lock, so that two threads
 * never tell the same change; every lookup reads the fields without it (they are volatile).
 */
final class ClientState {

    private final long retryWindowNanos;
    private final Ticker ticker;
    private final P0fClientListener listener;

    private volatile State state = State.IDLE;
    private volatile Instant since = Instant.now();
    /** The last failure; stays after the back-off ends, for the status page. */
    private volatile P0fFailure cause;
    private volatile long retryAtNanos;

    ClientState(long retryWindowNanos, Ticker ticker, P0fClientListener listener) {
        this.retryWindowNanos = retryWindowNanos;
        this.ticker = ticker;
        this.listener = listener;
    }

    State state() {
        return state;
    }

    Instant since() {
        return since;
    }

    String lastError() {
        P0fFailure c = cause;
        return c == null ? null : c.toString();
    }

    /** Why lookups fail fast right now, or null when they may go to p0f. */
    P0fFailure failFast() {
        State s = state;
        if (s == State.CLOSED) {
            return FailureWords.CLOSED;
        }
        if (s == State.BACKING_OFF && ticker.nanoTime() - retryAtNanos < 0) {
            return FailureWords.backingOff(cause);
        }
        return null;
    }

    /** p0f answered: the back-off, if any, is over. */
    void answered() {
        if (state != State.CONNECTED) {
            change(State.CONNECTED, "p0f answers again", false);
        }
    }

    /** p0f failed: start (or restart) the retry window. */
    void failed(P0fFailure failure) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            cause = failure;
            retryAtNanos = ticker.nanoTime() + retryWindowNanos;
        }
        if (state != State.BACKING_OFF) {
            change(State.BACKING_OFF, failure.toString(), false);
        }
    }

    void closed() {
        change(State.CLOSED, "closed", true);
    }

    private void change(State to, String reason, boolean evenFromClosed) {
        State from;
        synchronized (this) {
            from = state;
            if (from == to || (from == State.CLOSED && !evenFromClosed)) {
                return;
            }
            state = to;
            since = Instant.now();
        }
        try {
            listener.stateChanged(from, to, reason);
        } catch (RuntimeException e) {
            // A listener must not break the client; its own bug stays its own.
        }
    }
}
