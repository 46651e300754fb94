package io.github.jamesp0f.client.transport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that runs with real time and jumps forward when the test says, so that a test can pass
 * a retry window, a cache TTL or a lookup's deadline without waiting for it, while timeouts it
 * does not jump over still pass in real time.
 */
final class ManualTicker implements Ticker {

    private final AtomicLong jumped = new AtomicLong();

    @Override
    public long nanoTime() {
        return System.nanoTime() + jumped.get();
    }

    void advance(Duration d) {
        jumped.addAndGet(d.toNanos());
    }
}
