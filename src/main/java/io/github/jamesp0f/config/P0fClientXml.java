package io.github.jamesp0f.config;

import static io.github.jamesp0f.client.P0fClientConfig.Setting.CACHE_TTL;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.CONNECTIONS;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.LOCAL_ADDRESS;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.NO_MATCH_RETRY_DELAY;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.P0F_ADDRESS;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.SOCKET_PATH;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.TIMEOUT;
import static io.github.jamesp0f.client.P0fClientConfig.Setting.VERSION;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fEndpoint;
import io.github.jamesp0f.fingerprint.P0fVersion;

/**
 * The p0f client elements of a {@code <handler>}, read into {@link P0fClientConfig}'s builder,
 * which checks them; every error names its element.
 *
 * <pre>
 *   &lt;socketPath&gt;/run/p0f/p0f.sock&lt;/socketPath&gt;   p0f's unix socket, or:
 *   &lt;p0fAddress&gt;198.51.100.10:2999&lt;/p0fAddress&gt; a TCP address relaying to it (v3); one of the two
 *   &lt;version&gt;3&lt;/version&gt;                      3 (default) or 2
 *   &lt;localAddress&gt;192.0.2.25&lt;/localAddress&gt;    v2 only: this server's address as clients see it (NAT)
 *   &lt;timeout&gt;500ms&lt;/timeout&gt;                  longest wait for p0f, counted from connect
 *   &lt;connections&gt;2&lt;/connections&gt;              open connections to p0f, 1..10
 *   &lt;cacheTtl&gt;60s&lt;/cacheTtl&gt;                   how long an answer is reused; 0 turns the cache off
 *   &lt;noMatchRetryDelay&gt;25ms&lt;/noMatchRetryDelay&gt; ask once more this much later after a NOMATCH; 0: never
 * </pre>
 */
public final class P0fClientXml {

    private P0fClientXml() {
    }

    /** Where p0f is: {@code <socketPath>} or {@code <p0fAddress>}, exactly one. */
    private static P0fEndpoint endpoint(Configuration config) throws ConfigurationException {
        Optional<String> socket = ConfigValues.text(config, SOCKET_PATH.key());
        Optional<String> address = ConfigValues.text(config, P0F_ADDRESS.key());
        if (socket.isPresent() && address.isPresent()) {
            throw new ConfigurationException("<" + SOCKET_PATH.key() + "> and <" + P0F_ADDRESS.key() + "> are both "
                + "set: give one, p0f's unix socket on this host (<" + SOCKET_PATH.key() + ">) or the TCP address "
                + "that relays to it (<" + P0F_ADDRESS.key() + ">)");
        }
        if (address.isPresent()) {
            try {
                return P0fEndpoint.tcp(address.get());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("<" + P0F_ADDRESS.key() + "> " + e.getMessage(), e);
            }
        }
        String path = socket.orElseThrow(() -> new ConfigurationException("<" + SOCKET_PATH.key() + "> or <"
            + P0F_ADDRESS.key() + "> is required: the path of p0f's API socket (p0f -s PATH for v3, -Q PATH for v2), "
            + "for example /run/p0f/p0f.sock, or the IP address and port that relay to it, for example "
            + "198.51.100.10:2999"));
        try {
            return P0fEndpoint.unix(Paths.get(path));
        } catch (RuntimeException e) {
            throw new ConfigurationException("<" + SOCKET_PATH.key() + "> is not a valid path: '" + path + "'", e);
        }
    }

    /**
     * The daemon's settings when the element names a daemon ({@code <socketPath>} or
     * {@code <p0fAddress>}); empty when it names none and sets none of the other client elements.
     *
     * @throws ConfigurationException naming a client element set without a daemon to apply it to
     */
    public static Optional<P0fClientConfig> readIfPresent(Configuration config) throws ConfigurationException {
        if (ConfigValues.text(config, SOCKET_PATH.key()).isPresent()
            || ConfigValues.text(config, P0F_ADDRESS.key()).isPresent()) {
            return Optional.of(read(config));
        }
        List<String> unused = new ArrayList<>();
        for (P0fClientConfig.Setting setting : P0fClientConfig.Setting.values()) {
            if (ConfigValues.text(config, setting.key()).isPresent()) {
                unused.add("<" + setting.key() + ">");
            }
        }
        if (!unused.isEmpty()) {
            throw new ConfigurationException(String.join(", ", unused) + (unused.size() == 1 ? " is" : " are")
                + " set but no p0f daemon is: " + (unused.size() == 1 ? "it applies" : "they apply") + " to the daemon"
                + " named by <" + SOCKET_PATH.key() + "> or <" + P0F_ADDRESS.key() + "> only; remove "
                + (unused.size() == 1 ? "it" : "them") + ", or name the daemon");
        }
        return Optional.empty();
    }

    public static P0fClientConfig read(Configuration config) throws ConfigurationException {
        P0fClientConfig.Builder builder = P0fClientConfig.builder(endpoint(config));
        Optional<String> version = ConfigValues.text(config, VERSION.key());
        if (version.isPresent()) {
            try {
                builder.version(P0fVersion.parse(version.get()));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("<" + VERSION.key() + "> " + e.getMessage(), e);
            }
        }
        Optional<String> local = ConfigValues.text(config, LOCAL_ADDRESS.key());
        if (local.isPresent()) {
            builder.localAddress(ConfigValues.ipAddress(LOCAL_ADDRESS.key(), local.get()));
        }
        builder.timeout(ConfigValues.duration(config, TIMEOUT.key(), P0fClientConfig.DEFAULT_TIMEOUT))
            .cacheTtl(ConfigValues.duration(config, CACHE_TTL.key(), P0fClientConfig.DEFAULT_CACHE_TTL))
            .noMatchRetryDelay(ConfigValues.duration(config, NO_MATCH_RETRY_DELAY.key(),
                P0fClientConfig.DEFAULT_NO_MATCH_RETRY_DELAY))
            .connections(ConfigValues.wholeNumber(config, CONNECTIONS.key(), Integer.MIN_VALUE, Integer.MAX_VALUE,
                CONNECTIONS.key()).orElse(P0fClientConfig.DEFAULT_CONNECTIONS));
        try {
            return builder.build();
        } catch (P0fClientConfig.InvalidSettingException e) {
            throw new ConfigurationException("<" + e.setting().key() + "> " + e.problem(), e);
        }
    }
}
