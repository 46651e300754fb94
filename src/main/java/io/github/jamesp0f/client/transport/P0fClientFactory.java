package io.github.jamesp0f.client.transport;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;

/**
 * Makes the client for the protocol version the configuration names. The one way in: the
 * implementations are this package's own, so that {@code client} (what callers use) never
 * depends on {@code client.transport} (how it is done).
 */
public final class P0fClientFactory {

    private P0fClientFactory() {
    }

    public static P0fClient create(P0fClientConfig config) {
        return create(config, P0fClientListener.NONE);
    }

    /** The same, with {@code listener} told of every lookup and change of state. */
    public static P0fClient create(P0fClientConfig config, P0fClientListener listener) {
        switch (config.version()) {
            case V2:
                return new V2P0fClient(config, listener);
            case V3:
            default:
                return new V3P0fClient(config, listener);
        }
    }
}
