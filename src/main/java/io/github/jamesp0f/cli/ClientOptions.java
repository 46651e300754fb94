package io.github.jamesp0f.cli;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fClientConfig.Setting;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.fingerprint.P0fVersion;
import io.github.jamesp0f.config.DurationText;

/**
 * The options every command shares to reach p0f ({@code --socket} or {@code --p0f-address},
 * {@code --version}, {@code --timeout}), read into the client's own configuration builder, which checks them as it
 * checks James's XML. {@code --timeout} takes a unit like the XML ({@code 500ms}, {@code 2s}); a
 * bare number is milliseconds, as it always was here.
 */
final class ClientOptions {

    static final String SOCKET = "socket";
    static final String P0F_ADDRESS = "p0f-address";
    static final String VERSION = "version";
    static final String TIMEOUT = "timeout";
    static final String CONNECTIONS = "connections";
    static final Set<String> NAMES = Set.of(SOCKET, P0F_ADDRESS, VERSION, TIMEOUT);

    /** The option that sets each setting, for errors the builder finds. */
    private static final Map<Setting, String> OPTIONS = Map.of(Setting.SOCKET_PATH, SOCKET,
        Setting.P0F_ADDRESS, P0F_ADDRESS, Setting.VERSION, VERSION, Setting.TIMEOUT, TIMEOUT,
        Setting.CONNECTIONS, CONNECTIONS);

    private ClientOptions() {
    }

    /** A builder holding the shared options; commands set the rest (cache, connections) and {@link #build}. */
    static P0fClientConfig.Builder read(Arguments arguments, Duration defaultTimeout) throws UsageException {
        P0fClientConfig.Builder builder = P0fClientConfig.builder(endpoint(arguments)).timeout(defaultTimeout);
        Optional<String> version = arguments.value(VERSION);
        if (version.isPresent()) {
            builder.version(parse(VERSION, version.get(), P0fVersion::parse));
        }
        Optional<String> timeout = arguments.value(TIMEOUT);
        if (timeout.isPresent()) {
            builder.timeout(parse(TIMEOUT, timeout.get(), DurationText::parseBareAsMillis));
        }
        return builder;
    }

    /** {@code --socket PATH} or {@code --p0f-address IP:PORT}, exactly one. */
    private static P0fEndpoint endpoint(Arguments arguments) throws UsageException {
        if (arguments.value(SOCKET).isPresent() && arguments.value(P0F_ADDRESS).isPresent()) {
            throw new UsageException("give --" + SOCKET + " or --" + P0F_ADDRESS + ", not both");
        }
        if (arguments.value(P0F_ADDRESS).isPresent()) {
            return parse(P0F_ADDRESS, arguments.required(P0F_ADDRESS), P0fEndpoint::tcp);
        }
        String socket = arguments.required(SOCKET, "PATH (p0f's unix socket) or --" + P0F_ADDRESS
            + " IP:PORT (a TCP address that relays to it)");
        try {
            return P0fEndpoint.unix(Paths.get(socket));
        } catch (RuntimeException e) {
            throw new UsageException("--" + SOCKET + " \"" + socket + "\" is not a usable path: " + e.getMessage());
        }
    }

    /** {@code parser}'s refusal, which completes a sentence about the value, as a usage error naming the option. */
    private static <T> T parse(String option, String text, Function<String, T> parser) throws UsageException {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + option + " " + e.getMessage());
        }
    }

    /** Builds the configuration, turning a setting the client refuses into a usage error naming the option. */
    static P0fClientConfig build(P0fClientConfig.Builder builder) throws UsageException {
        try {
            return builder.build();
        } catch (P0fClientConfig.InvalidSettingException e) {
            String option = OPTIONS.get(e.setting());
            throw new UsageException((option == null ? e.setting().key() : "--" + option) + " " + e.problem());
        }
    }
}
