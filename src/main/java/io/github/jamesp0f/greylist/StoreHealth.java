package io.github.jamesp0f.greylist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store works, so that a broken store is logged once when it breaks and once when it
 * recovers, never once per RCPT. After a failure the store is left alone for a retry delay: while a
 * database is down, RCPTs pass at once instead of each waiting for a connection timeout.
 */
final class StoreHealth {

    private static final Logger LOGGER = LoggerFactory.getLogger(StoreHealth.class);

    private final long retryDelayMillis;
    private volatile boolean failing;
    private long retryAtMillis;

    StoreHealth(long retryDelayMillis) {
        this.retryDelayMillis = retryDelayMillis;
    }

    /** False while a recent failure's retry delay runs. */
    boolean worthTrying(long nowMillis) {
        if (!failing) {
            return true;
        }
        synchronized (this) {
            return !failing || nowMillis >= retryAtMillis;
        }
    }

    void succeeded() {
        if (!failing) {
            return;
        }
        synchronized (this) {
            if (failing) {
                failing = false;
                LOGGER.warn("Greylist store is working again: greylisting resumes");
            }
        }
    }

    synchronized void failed(GreylistStoreException e, long nowMillis) {
        retryAtMillis = nowMillis + retryDelayMillis;
        if (!failing) {
            failing = true;
            LOGGER.error("Greylist store failed, letting mail through until it works again: {}", e.getMessage(), e);
        }
    }

    boolean failing() {
        return failing;
    }
}
