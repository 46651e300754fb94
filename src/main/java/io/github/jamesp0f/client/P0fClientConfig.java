package io.github.jamesp0f.client;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of a {@link P0fClient}, checked once when built. Errors name the setting and the
 * value that was wrong.
 */
public final class P0fClientConfig {

    public static final int DEFAULT_VERSION = 3;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    /** Well under p0f's default of 20 API slots, which other programs may share. */
    public static final int DEFAULT_MAX_CONNECTIONS = 2;
    public static final int MAX_CONNECTIONS_LIMIT = 10;
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** p0f has often not processed the SYN when a loopback connection is accepted; 20 ms later it has. */
    public static final Duration DEFAULT_NO_MATCH_RETRY_DELAY = Duration.ofMillis(25);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofSeconds(5);

    private final Path socketPath;
    private final int version;
    private final InetAddress localAddressOverride;
    private final Duration timeout;
    private final int maxConnections;
    private final Duration cacheTtl;
    private final int cacheSize;
    private final Duration noMatchRetryDelay;
    private final Duration retryWindow;
    private final P0fClientListener listener;

    private P0fClientConfig(Builder b) {
        this.socketPath = b.socketPath;
        this.version = b.version;
        this.localAddressOverride = b.localAddressOverride;
        this.timeout = b.timeout;
        this.maxConnections = b.maxConnections;
        this.cacheTtl = b.cacheTtl;
        this.cacheSize = b.cacheSize;
        this.noMatchRetryDelay = b.noMatchRetryDelay;
        this.retryWindow = b.retryWindow;
        this.listener = b.listener;
    }

    public static Builder builder(Path socketPath) {
        return new Builder(socketPath);
    }

    public Path socketPath() {
        return socketPath;
    }

    /** 3 (default) or 2. */
    public int version() {
        return version;
    }

    /** v2 only: the mail server's address as clients see it, for servers behind NAT. */
    public Optional<InetAddress> localAddressOverride() {
        return Optional.ofNullable(localAddressOverride);
    }

    /** The longest a lookup may take, from the call to the completed future. */
    public Duration timeout() {
        return timeout;
    }

    /** How many connections the client keeps open to p0f at most (v3; v2 opens one per lookup). */
    public int maxConnections() {
        return maxConnections;
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

    public P0fClientListener listener() {
        return listener;
    }

    public Builder toBuilder() {
        return new Builder(socketPath)
            .version(version)
            .localAddressOverride(localAddressOverride)
            .timeout(timeout)
            .maxConnections(maxConnections)
            .cacheTtl(cacheTtl)
            .cacheSize(cacheSize)
            .noMatchRetryDelay(noMatchRetryDelay)
            .retryWindow(retryWindow)
            .listener(listener);
    }

    @Override
    public String toString() {
        return "p0f v" + version + " socket=" + socketPath + " timeout=" + timeout.toMillis() + "ms connections="
            + maxConnections + " cacheTtl=" + cacheTtl.toMillis() + "ms cacheSize=" + cacheSize
            + " noMatchRetryDelay=" + noMatchRetryDelay.toMillis() + "ms retryWindow=" + retryWindow.toMillis() + "ms"
            + (localAddressOverride == null ? "" : " localAddress=" + localAddressOverride.getHostAddress());
    }

    public static final class Builder {
        private final Path socketPath;
        private int version = DEFAULT_VERSION;
        private InetAddress localAddressOverride;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private Duration noMatchRetryDelay = DEFAULT_NO_MATCH_RETRY_DELAY;
        private Duration retryWindow = DEFAULT_RETRY_WINDOW;
        private P0fClientListener listener = P0fClientListener.NONE;

        private Builder(Path socketPath) {
            this.socketPath = Objects.requireNonNull(socketPath, "socketPath");
        }

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        public Builder localAddressOverride(InetAddress address) {
            this.localAddressOverride = address;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
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

        public Builder listener(P0fClientListener listener) {
            this.listener = listener;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public P0fClientConfig build() {
            if (socketPath.toString().isEmpty()) {
                throw new IllegalArgumentException("socket path must not be empty");
            }
            if (version != 2 && version != 3) {
                throw new IllegalArgumentException("version must be 2 or 3, not " + version);
            }
            requirePositive("timeout", timeout);
            requireNotNegative("cacheTtl", cacheTtl);
            requireNotNegative("noMatchRetryDelay", noMatchRetryDelay);
            requirePositive("retryWindow", retryWindow);
            if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
                throw new IllegalArgumentException("maxConnections must be between 1 and " + MAX_CONNECTIONS_LIMIT
                    + " (p0f has only 20 API slots by default), not " + maxConnections);
            }
            if (cacheSize < 1) {
                throw new IllegalArgumentException("cacheSize must be at least 1, not " + cacheSize);
            }
            Objects.requireNonNull(listener, "listener");
            return new P0fClientConfig(this);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be greater than zero, not " + value);
            }
        }

        private static void requireNotNegative(String name, Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or more, not " + value);
            }
        }
    }
}
