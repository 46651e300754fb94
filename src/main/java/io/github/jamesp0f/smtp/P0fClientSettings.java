package io.github.jamesp0f.smtp;

import static io.github.jamesp0f.config.ConfigValues.duration;
import static io.github.jamesp0f.config.ConfigValues.text;
import static io.github.jamesp0f.config.ConfigValues.wholeNumber;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientListener;

/**
 * The p0f client settings of a {@code <handler>} element, parsed and validated once. Handlers
 * with equal settings share one client (see {@link P0fClients}). Every error names its element.
 *
 * <pre>
 *   &lt;socketPath&gt;/run/p0f/p0f.sock&lt;/socketPath&gt;   required
 *   &lt;version&gt;3&lt;/version&gt;                      3 (default) or 2
 *   &lt;localAddress&gt;192.0.2.25&lt;/localAddress&gt;    v2 only: this server's address as clients see it (NAT)
 *   &lt;timeout&gt;500ms&lt;/timeout&gt;                  longest wait for p0f, counted from connect
 *   &lt;connections&gt;2&lt;/connections&gt;              open connections to p0f, 1..10
 *   &lt;cacheTtl&gt;60s&lt;/cacheTtl&gt;                   how long an answer is reused; 0 turns the cache off
 *   &lt;noMatchRetryDelay&gt;25ms&lt;/noMatchRetryDelay&gt; ask once more this much later after a NOMATCH; 0: never
 * </pre>
 */
public final class P0fClientSettings {

    public static final String SOCKET_PATH = "socketPath";
    public static final String VERSION = "version";
    public static final String LOCAL_ADDRESS = "localAddress";
    public static final String TIMEOUT = "timeout";
    public static final String CONNECTIONS = "connections";
    public static final String CACHE_TTL = "cacheTtl";
    public static final String NO_MATCH_RETRY_DELAY = "noMatchRetryDelay";

    private final Path socketPath;
    private final int version;
    private final InetAddress localAddress;
    private final Duration timeout;
    private final int connections;
    private final Duration cacheTtl;
    private final Duration noMatchRetryDelay;

    private P0fClientSettings(Path socketPath, int version, InetAddress localAddress, Duration timeout,
                              int connections, Duration cacheTtl, Duration noMatchRetryDelay) {
        this.socketPath = socketPath;
        this.version = version;
        this.localAddress = localAddress;
        this.timeout = timeout;
        this.connections = connections;
        this.cacheTtl = cacheTtl;
        this.noMatchRetryDelay = noMatchRetryDelay;
    }

    /** Reads the client elements of a {@code <handler>}; unknown elements are left to the caller. */
    public static P0fClientSettings parse(Configuration config) throws ConfigurationException {
        String socket = text(config, SOCKET_PATH)
            .orElseThrow(() -> new ConfigurationException("<" + SOCKET_PATH + "> is required: the path of p0f's API"
                + " socket (p0f -s PATH for v3, -Q PATH for v2), for example /run/p0f/p0f.sock"));
        Path socketPath;
        try {
            socketPath = Paths.get(socket);
        } catch (RuntimeException e) {
            throw new ConfigurationException("<" + SOCKET_PATH + "> is not a valid path: '" + socket + "'", e);
        }
        int version = wholeNumber(config, VERSION, Integer.MIN_VALUE, Integer.MAX_VALUE, VERSION)
            .orElse(P0fClientConfig.DEFAULT_VERSION);
        if (version != 2 && version != 3) {
            throw new ConfigurationException("<" + VERSION + "> must be 3 (p0f 3.x) or 2 (p0f 2.0.x), not " + version);
        }
        InetAddress localAddress = null;
        Optional<String> local = text(config, LOCAL_ADDRESS);
        if (local.isPresent()) {
            if (version != 2) {
                throw new ConfigurationException("<" + LOCAL_ADDRESS + "> is only used by p0f v2; remove it or set <"
                    + VERSION + ">2</" + VERSION + ">");
            }
            localAddress = literalAddress(LOCAL_ADDRESS, local.get());
        }
        Duration timeout = duration(config, TIMEOUT, P0fClientConfig.DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw new ConfigurationException("<" + TIMEOUT + "> must be greater than zero");
        }
        int connections = wholeNumber(config, CONNECTIONS, Integer.MIN_VALUE, Integer.MAX_VALUE, CONNECTIONS)
            .orElse(P0fClientConfig.DEFAULT_MAX_CONNECTIONS);
        if (connections < 1 || connections > P0fClientConfig.MAX_CONNECTIONS_LIMIT) {
            throw new ConfigurationException("<" + CONNECTIONS + "> must be between 1 and "
                + P0fClientConfig.MAX_CONNECTIONS_LIMIT + " (p0f has only 20 API slots by default), not " + connections);
        }
        Duration cacheTtl = duration(config, CACHE_TTL, P0fClientConfig.DEFAULT_CACHE_TTL);
        Duration retryDelay = duration(config, NO_MATCH_RETRY_DELAY, P0fClientConfig.DEFAULT_NO_MATCH_RETRY_DELAY);
        P0fClientSettings settings = new P0fClientSettings(socketPath, version, localAddress, timeout, connections,
            cacheTtl, retryDelay);
        try {
            settings.toClientConfig(P0fClientListener.NONE);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("invalid p0f client settings: " + e.getMessage(), e);
        }
        return settings;
    }

    public P0fClientConfig toClientConfig(P0fClientListener listener) {
        return P0fClientConfig.builder(socketPath)
            .version(version)
            .localAddressOverride(localAddress)
            .timeout(timeout)
            .maxConnections(connections)
            .cacheTtl(cacheTtl)
            .noMatchRetryDelay(noMatchRetryDelay)
            .listener(listener)
            .build();
    }

    public Path socketPath() {
        return socketPath;
    }

    public int version() {
        return version;
    }

    public Duration timeout() {
        return timeout;
    }

    /** An IP literal only: a host name here would mean a DNS lookup at start-up. */
    static InetAddress literalAddress(String element, String text) throws ConfigurationException {
        if (!text.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new ConfigurationException("<" + element + "> must be an IP address, not '" + text + "'");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("<" + element + "> must be an IP address, not '" + text + "'", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof P0fClientSettings)) {
            return false;
        }
        P0fClientSettings other = (P0fClientSettings) o;
        return version == other.version && connections == other.connections
            && socketPath.equals(other.socketPath) && Objects.equals(localAddress, other.localAddress)
            && timeout.equals(other.timeout) && cacheTtl.equals(other.cacheTtl)
            && noMatchRetryDelay.equals(other.noMatchRetryDelay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(socketPath, version, localAddress, timeout, connections, cacheTtl, noMatchRetryDelay);
    }

    @Override
    public String toString() {
        return "p0f v" + version + " at " + socketPath + " (timeout " + timeout.toMillis() + "ms, connections "
            + connections + ", cacheTtl " + cacheTtl.toMillis() + "ms, noMatchRetryDelay "
            + noMatchRetryDelay.toMillis() + "ms" + (localAddress == null ? "" : ", localAddress "
            + localAddress.getHostAddress()) + ")";
    }
}
