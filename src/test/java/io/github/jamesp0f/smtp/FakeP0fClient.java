package io.github.jamesp0f.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientStatus;
import io.github.jamesp0f.client.P0fLookup;

/** A P0fClient whose lookups return whatever future the test chooses; records what was asked. */
final class FakeP0fClient implements P0fClient {

    private final P0fClientConfig config;
    private final List<InetSocketAddress> asked = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<P0fLookup> next = CompletableFuture.completedFuture(P0fLookup.noMatch());
    private volatile boolean closed;

    FakeP0fClient(P0fClientConfig config) {
        this.config = config;
    }

    FakeP0fClient answering(P0fLookup lookup) {
        this.next = CompletableFuture.completedFuture(lookup);
        return this;
    }

    /** Every lookup from now on stays unanswered until the test completes the returned future. */
    CompletableFuture<P0fLookup> stalling() {
        CompletableFuture<P0fLookup> pending = new CompletableFuture<>();
        this.next = pending;
        return pending;
    }

    List<InetSocketAddress> asked() {
        return asked;
    }

    boolean isClosed() {
        return closed;
    }

    P0fClientConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<P0fLookup> lookup(InetAddress remote) {
        return lookup(new InetSocketAddress(remote, 0), null);
    }

    @Override
    public CompletableFuture<P0fLookup> lookup(InetSocketAddress remote, InetSocketAddress local) {
        asked.add(remote);
        return next;
    }

    @Override
    public P0fClientStatus status() {
        return new P0fClientStatus(config.endpoint(), config.version(),
            closed ? P0fClientStatus.State.CLOSED : P0fClientStatus.State.IDLE, Instant.EPOCH, null, 0, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
