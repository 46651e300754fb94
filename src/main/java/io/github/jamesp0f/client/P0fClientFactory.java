package io.github.jamesp0f.client;

import io.github.jamesp0f.client.transport.V2P0fClient;
import io.github.jamesp0f.client.transport.V3P0fClient;

/** Chooses the implementation for the configured protocol version. */
final class P0fClientFactory {

    private P0fClientFactory() {
    }

    static P0fClient create(P0fClientConfig config, P0fClientListener listener) {
        switch (config.version()) {
            case V2:
                return new V2P0fClient(config, listener);
            case V3:
            default:
                return new V3P0fClient(config, listener);
        }
    }
}
