package io.github.jamesp0f.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.github.jamesp0f.client.P0fClientConfig;

/**
 * The options every command shares to reach p0f ({@code --socket}, {@code --version},
 * {@code --timeout}), read and checked in one place.
 */
final class ClientOptions {

    static final String SOCKET = "socket";
    static final String VERSION = "version";
    static final String TIMEOUT = "timeout";
    static final Set<String> NAMES = Set.of(SOCKET, VERSION, TIMEOUT);
    static final long MAX_TIMEOUT_MILLIS = 600_000;

    private final Path socket;
    private final int version;
    private final Duration timeout;

    private ClientOptions(Path socket, int version, Duration timeout) {
        this.socket = socket;
        this.version = version;
        this.timeout = timeout;
    }

    static ClientOptions from(Arguments arguments, Duration defaultTimeout) throws UsageException {
        String socketText = arguments.required(SOCKET);
        Path socket;
        try {
            socket = Paths.get(socketText);
        } catch (RuntimeException e) {
            throw new UsageException("--socket \"" + socketText + "\" is not a usable path: " + e.getMessage());
        }
        Optional<String> versionText = arguments.value(VERSION);
        int version = P0fClientConfig.DEFAULT_VERSION;
        if (versionText.isPresent()) {
            if (!"2".equals(versionText.get().trim()) && !"3".equals(versionText.get().trim())) {
                throw new UsageException("--version must be 2 (p0f -Q) or 3 (p0f -s), not \"" + versionText.get() + "\"");
            }
            version = Integer.parseInt(versionText.get().trim());
        }
        long timeoutMillis = arguments.number(TIMEOUT, defaultTimeout.toMillis(), 1, MAX_TIMEOUT_MILLIS);
        return new ClientOptions(socket, version, Duration.ofMillis(timeoutMillis));
    }

    Path socket() {
        return socket;
    }

    int version() {
        return version;
    }

    Duration timeout() {
        return timeout;
    }

    /** A client configuration for these options; commands adjust the rest (cache, connections). */
    P0fClientConfig.Builder configBuilder() {
        return P0fClientConfig.builder(socket).version(version).timeout(timeout);
    }

    /** Builds the configuration, turning a setting the client refuses into a usage error. */
    static P0fClientConfig build(P0fClientConfig.Builder builder) throws UsageException {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
