package io.github.jamesp0f.client.transport;

/** A source of nanosecond time, so that tests can move the cache's and back-off's clock by hand. */
interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();
}
