package io.github.jamesp0f.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Asks p0f what it knows about a remote host. Thread-safe; meant to be created once and shared.
 *
 * <p>Lookups never block the caller and never fail with an exception: the returned future always
 * completes normally, with a {@link P0fLookup} that is a match, p0f's "no match" or a typed
 * failure, within the configured timeout (plus the no-match retry delay, when that retry runs).
 * Made by {@code client.transport.P0fClientFactory}.
 */
public interface P0fClient extends AutoCloseable {

    /**
     * Looks up a remote host by address alone: enough for p0f v3. A v2 client, which needs the
     * whole connection, answers UNSUPPORTED_QUERY.
     */
    CompletableFuture<P0fLookup> lookup(InetAddress remote);

    /**
     * Looks up the connection from {@code remote} to {@code local} (the mail server's side). p0f
     * v3 uses only the remote address; v2 needs all four parts, with the local address replaced by
     * the configured override for servers behind NAT.
     */
    CompletableFuture<P0fLookup> lookup(InetSocketAddress remote, InetSocketAddress local);

    P0fClientStatus status();

    /** Fails lookups still waiting with CLOSED; connections with an answer still coming are drained first. */
    @Override
    void close();
}
