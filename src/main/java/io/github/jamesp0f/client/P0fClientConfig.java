package io.github.jamesp0f.client;

import io.github.jamesp0f.fingerprint.P0fVersion;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of a {@link P0fClient}: the one model that James's XML, the command-line tool and
 * Java callers fill through the same {@link Builder}, checked once when built. Immutable, with value
 * equality, so that James's handlers with equal settings can share one client. Each setting is
 * named as administrators write it (the XML element, {@link Setting#key()}), in errors too.
 */
public final class P0fClientConfig {

    /** The settings, by the names administrators write. */
    public enum Setting {
        SOCKET_PATH("socketPath"), P0F_ADDRESS("p0fAddress"), VERSION("version"), LOCAL_ADDRESS("localAddress"), TIMEOUT("timeout"),
        CONNECTIONS("connections"), CACHE_TTL("cacheTtl"), CACHE_SIZE("cacheSize"),
        NO_MATCH_RETRY_DELAY("noMatchRetryDelay"), RETRY_WINDOW("retryWindow");

        private final String key;

        Setting(String key) {
            this.key = key;
        }

        /** The name in James's XML, {@code <timeout>}, and in this class's builder. */
        public String key() {
            return key;
        }
    }

    /** A setting out of range; {@link #problem()} completes a sentence that starts with its name. */
    public static final class InvalidSettingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final Setting setting;
        private final String problem;

        public InvalidSettingException(Setting setting, String problem) {
            super(setting.key() + " " + problem);
            this.setting = setting;
            this.problem = problem;
        }

        public Setting setting() {
            return setting;
        }

        /** e.g. "must be greater than zero, not 0ms". */
        public String problem() {
            return problem;
        }
    }

    public static final P0fVersion DEFAULT_VERSION = P0fVersion.V3;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    /** Well under p0f's default of 20 API slots, which other programs may share. */
    public static final int DEFAULT_CONNECTIONS = 2;
    public static final int MAX_CONNECTIONS = 10;
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** p0f has often not processed the SYN when a loopback connection is accepted; 20 ms later it has. */
    public static final Duration DEFAULT_NO_MATCH_RETRY_DELAY = Duration.ofMillis(25);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofSeconds(5);
    /** Longer is a mistake, and would overflow the nanosecond clocks the client counts in. */
    private static final Duration LONGEST = Duration.ofDays(365);

    private final P0fEndpoint endpoint;
    private final P0fVersion version;
    private final InetAddress localAddress;
    private final Duration timeout;
    private final int connections;
    private final Duration cacheTtl;
    private final int cacheSize;
    private final Duration noMatchRetryDelay;
    private final Duration retryWindow;

    private P0fClientConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.version = b.version;
        this.localAddress = b.localAddress;
        this.timeout = b.timeout;
        this.connections = b.connections;
        this.cacheTtl = b.cacheTtl;
        this.cacheSize = b.cacheSize;
        this.noMatchRetryDelay = b.noMatchRetryDelay;
        this.retryWindow = b.retryWindow;
    }

    /** Where p0f's API is: its unix socket, or a TCP address that relays to it. */
    public static Builder builder(P0fEndpoint endpoint) {
        return new Builder(endpoint);
    }

    /** p0f's unix socket: the same as {@code builder(P0fEndpoint.unix(socketPath))}. */
    public static Builder builder(Path socketPath) {
        return new Builder(P0fEndpoint.unix(socketPath));
    }

    public P0fEndpoint endpoint() {
        return endpoint;
    }

    public P0fVersion version() {
        return version;
    }

    /** v2 only: the mail server's address as clients see it, for servers behind NAT. */
    public Optional<InetAddress> localAddress() {
        return Optional.ofNullable(localAddress);
    }

    /** The longest a lookup may take, from the call to the completed future (plus one NOMATCH retry delay). */
    public Duration timeout() {
        return timeout;
    }

    /** How many connections the client keeps open to p0f at most (v3; v2 opens one per lookup). */
    public int connections() {
        return connections;
    }

    /** How long a match stays cached; zero turns the cache off. */
    public Duration cacheTtl() {
        return cacheTtl;
    }

    public int cacheSize() {
        return cacheSize;
    }

    /** How long to wait before asking once more after a NOMATCH; zero asks only once. */
    public Duration noMatchRetryDelay() {
        return noMatchRetryDelay;
    }

    /** After p0f fails, how long lookups fail fast before the socket is tried again. */
    public Duration retryWindow() {
        return retryWindow;
    }

    /**
     * The same settings for p0f at another endpoint (an edge's p0f behind a load balancer).
     * @throws InvalidSettingException as {@link Builder#build()} does (p0f 2 over TCP)
     */
    public P0fClientConfig withEndpoint(P0fEndpoint other) {
        return new Builder(other).version(version).localAddress(localAddress).timeout(timeout)
            .connections(connections).cacheTtl(cacheTtl).cacheSize(cacheSize).noMatchRetryDelay(noMatchRetryDelay)
            .retryWindow(retryWindow).build();
    }

    public Builder toBuilder() {
        return new Builder(endpoint).version(version).localAddress(localAddress).timeout(timeout)
            .connections(connections).cacheTtl(cacheTtl).cacheSize(cacheSize).noMatchRetryDelay(noMatchRetryDelay)
            .retryWindow(retryWindow);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof P0fClientConfig)) {
            return false;
        }
        P0fClientConfig other = (P0fClientConfig) o;
        return endpoint.equals(other.endpoint) && version == other.version
            && Objects.equals(localAddress, other.localAddress) && timeout.equals(other.timeout)
            && connections == other.connections && cacheTtl.equals(other.cacheTtl) && cacheSize == other.cacheSize
            && noMatchRetryDelay.equals(other.noMatchRetryDelay) && retryWindow.equals(other.retryWindow);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, version, localAddress, timeout, connections, cacheTtl, cacheSize,
            noMatchRetryDelay, retryWindow);
    }

    @Override
    public String toString() {
        return "p0f " + version + " at " + endpoint + " (timeout " + timeout.toMillis() + "ms, connections "
            + connections + ", cacheTtl " + cacheTtl.toMillis() + "ms, cacheSize " + cacheSize
            + ", noMatchRetryDelay " + noMatchRetryDelay.toMillis() + "ms, retryWindow " + retryWindow.toMillis() + "ms"
            + (localAddress == null ? "" : ", localAddress " + localAddress.getHostAddress()) + ")";
    }

    public static final class Builder {
        private final P0fEndpoint endpoint;
        private P0fVersion version = DEFAULT_VERSION;
        private InetAddress localAddress;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int connections = DEFAULT_CONNECTIONS;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private Duration noMatchRetryDelay = DEFAULT_NO_MATCH_RETRY_DELAY;
        private Duration retryWindow = DEFAULT_RETRY_WINDOW;

        private Builder(P0fEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        public Builder version(P0fVersion version) {
            this.version = version;
            return this;
        }

        /** v2 only (p0f v3 looks hosts up by their address alone); null for none. */
        public Builder localAddress(InetAddress address) {
            this.localAddress = address;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        public Builder cacheTtl(Duration cacheTtl) {
            this.cacheTtl = cacheTtl;
            return this;
        }

        public Builder cacheSize(int cacheSize) {
            this.cacheSize = cacheSize;
            return this;
        }

        public Builder noMatchRetryDelay(Duration delay) {
            this.noMatchRetryDelay = delay;
            return this;
        }

        public Builder retryWindow(Duration retryWindow) {
            this.retryWindow = retryWindow;
            return this;
        }

        /** @throws InvalidSettingException naming the setting that is out of range, and its value */
        public P0fClientConfig build() {
            if (endpoint.socketPath().map(path -> path.toString().isEmpty()).orElse(false)) {
                throw new InvalidSettingException(Setting.SOCKET_PATH, "must not be empty");
            }
            if (version == null) {
                throw new InvalidSettingException(Setting.VERSION, "must be set");
            }
            if (version == P0fVersion.V2 && endpoint.tcpAddress().isPresent()) {
                throw new InvalidSettingException(Setting.P0F_ADDRESS, "is for p0f 3 only: p0f 2 serves its API "
                    + "on a unix socket (p0f -Q PATH) one client at a time, and is asked about whole connections as "
                    + "this host sees them; give socketPath with version 2");
            }
            if (localAddress != null && version != P0fVersion.V2) {
                throw new InvalidSettingException(Setting.LOCAL_ADDRESS, "is only used by p0f v2 (p0f v3 looks hosts "
                    + "up by their address alone); remove it or set version 2");
            }
            requireRange(Setting.TIMEOUT, timeout, false);
            requireRange(Setting.CACHE_TTL, cacheTtl, true);
            requireRange(Setting.NO_MATCH_RETRY_DELAY, noMatchRetryDelay, true);
            requireRange(Setting.RETRY_WINDOW, retryWindow, false);
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new InvalidSettingException(Setting.CONNECTIONS, "must be between 1 and " + MAX_CONNECTIONS
                    + " (p0f has only 20 API slots by default), not " + connections);
            }
            if (cacheSize < 1) {
                throw new InvalidSettingException(Setting.CACHE_SIZE, "must be at least 1, not " + cacheSize);
            }
            return new P0fClientConfig(this);
        }

        private static void requireRange(Setting setting, Duration value, boolean zeroAllowed) {
            if (value == null || value.isNegative() || (value.isZero() && !zeroAllowed)) {
                throw new InvalidSettingException(setting, "must be " + (zeroAllowed ? "zero or more" : "greater than zero")
                    + ", not " + (value == null ? "unset" : value.toMillis() + "ms"));
            }
            if (value.compareTo(LONGEST) > 0) {
                throw new InvalidSettingException(setting, "must be at most " + LONGEST.toDays() + " days, not "
                    + value.toDays() + " days");
            }
        }
    }
}
