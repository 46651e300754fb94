package io.github.jamesp0f.client;

/** Chooses the implementation for the configured protocol version. */
final class P0fClientFactory {

    private P0fClientFactory() {
    }

    static P0fClient create(P0fClientConfig config) {
        // Filled in by the transport work (issue 2): v3 pooled client, v2 one-shot client.
        throw new UnsupportedOperationException("not built yet");
    }
}
