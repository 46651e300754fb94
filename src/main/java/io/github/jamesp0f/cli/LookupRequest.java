package io.github.jamesp0f.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.jamesp0f.client.AddressAndPort;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.fingerprint.P0fVersion;

/**
 * What to ask p0f: the remote address for v3; the whole connection (remote and local address and
 * port) for v2, which looks connections up by all four.
 */
final class LookupRequest {

    static final String LOCAL_ADDRESS = "local-address";

    private final AddressAndPort remote;
    private final AddressAndPort local;
    private final P0fVersion version;

    private LookupRequest(AddressAndPort remote, AddressAndPort local, P0fVersion version) {
        this.remote = remote;
        this.local = local;
        this.version = version;
    }

    /**
     * @param what          names the remote argument in messages ("ADDRESS", "--address")
     * @param localText     the {@code --local-address} value, or null
     */
    static LookupRequest of(String what, String remoteText, String localText, P0fVersion version)
        throws UsageException {
        AddressAndPort remote = address(what, remoteText);
        AddressAndPort local = localText == null ? null : address("--" + LOCAL_ADDRESS, localText);
        if (version == P0fVersion.V3) {
            if (local != null) {
                throw new UsageException("--" + LOCAL_ADDRESS + " is for --version 2 only: p0f v3 looks hosts up by "
                    + "their address alone");
            }
            return new LookupRequest(remote, null, version);
        }
        if (remote.port().isEmpty() || local == null || local.port().isEmpty()) {
            throw new UsageException("p0f v2 looks up whole connections: give " + what + " as IP:PORT (the client's "
                + "side) and --" + LOCAL_ADDRESS + " IP:PORT (this server's side, as the client saw it)");
        }
        return new LookupRequest(remote, local, version);
    }

    /** @param what names the argument in the error, e.g. "ADDRESS" or "--local-address" */
    private static AddressAndPort address(String what, String text) throws UsageException {
        try {
            return AddressAndPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + " " + e.getMessage());
        }
    }

    /** Starts the lookup; never throws. */
    CompletableFuture<P0fLookup> start(P0fClient client) {
        return version == P0fVersion.V3
            ? client.lookup(remote.address())
            : client.lookup(remote.socketAddress(), local.socketAddress());
    }

    /**
     * Runs one lookup and waits for it. The client completes every lookup within its timeout; the
     * wait is bounded all the same, so that a client bug cannot hang the tool.
     */
    P0fLookup run(P0fClient client, P0fClientConfig config) throws P0fUnavailableException {
        CompletableFuture<P0fLookup> lookup = start(client);
        Duration timeout = config.timeout();
        Duration bound = waitBound(config);
        try {
            return lookup.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new P0fUnavailableException("no answer for " + remote + " within " + bound.toMillis()
                + " ms, although the client's timeout is " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new P0fUnavailableException("the lookup of " + remote + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new P0fUnavailableException("interrupted while asking p0f about " + remote);
        }
    }

    /** How long the tool waits for a lookup the client promised to complete within timeout + retry delay. */
    static Duration waitBound(P0fClientConfig config) {
        return config.timeout().plus(config.noMatchRetryDelay()).multipliedBy(3).plusSeconds(2);
    }

    AddressAndPort remote() {
        return remote;
    }

    @Override
    public String toString() {
        return local == null ? remote.toString() : remote + " -> " + local;
    }
}
