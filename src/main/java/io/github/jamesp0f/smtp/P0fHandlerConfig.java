package io.github.jamesp0f.smtp;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.config.ConfigValues;
import io.github.jamesp0f.config.P0fClientXml;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Everything {@link P0fConnectHandler} reads from its {@code <handler>} element, validated once so
 * that a mistake stops James at start-up with the element named.
 *
 * <pre>
 *   (the p0f client elements, read by {@link P0fClientXml})
 *   &lt;neverLookUp&gt;10.0.0.0/8, 2001:db8::/32&lt;/neverLookUp&gt;  default: none, every client is looked up
 *   &lt;blockedOperatingSystems&gt;one entry per line&lt;/blockedOperatingSystems&gt;  default: none
 *   &lt;blockedOperatingSystemsFile&gt;file://conf/p0f_blocked_operating_systems&lt;/blockedOperatingSystemsFile&gt;
 * </pre>
 */
public final class P0fHandlerConfig {

    public static final String NEVER_LOOK_UP = "neverLookUp";
    public static final String BLOCKED_OPERATING_SYSTEMS = "blockedOperatingSystems";
    public static final String BLOCKED_OPERATING_SYSTEMS_FILE = "blockedOperatingSystemsFile";

    /** Turns a configured file name ({@code file://conf/x}, {@code /etc/x}) into a file. */
    public interface FileResolver {
        File resolve(String name) throws IOException;
    }

    private final P0fClientConfig clientConfig;
    private final Networks neverLookUp;
    private final OsBlocklist blocklist;
    private final Edges edges;

    private P0fHandlerConfig(P0fClientConfig clientConfig, Networks neverLookUp, OsBlocklist blocklist, Edges edges) {
        this.clientConfig = clientConfig;
        this.neverLookUp = neverLookUp;
        this.blocklist = blocklist;
        this.edges = edges;
    }

    public static P0fHandlerConfig parse(Configuration config, FileResolver files) throws ConfigurationException {
        P0fClientConfig clientConfig = P0fClientXml.read(config);
        Optional<String> never = ConfigValues.text(config, NEVER_LOOK_UP);
        Networks neverLookUp = never.isPresent() ? Networks.parse(NEVER_LOOK_UP, never.get()) : Networks.none();
        OsBlocklist blocklist = OsBlocklist.empty();
        Optional<String> inline = ConfigValues.text(config, BLOCKED_OPERATING_SYSTEMS);
        if (inline.isPresent()) {
            blocklist = OsBlocklist.parse("<" + BLOCKED_OPERATING_SYSTEMS + ">", inline.get());
        }
        Optional<String> fileName = ConfigValues.text(config, BLOCKED_OPERATING_SYSTEMS_FILE);
        if (fileName.isPresent()) {
            blocklist = blocklist.plus(OsBlocklist.parse("<" + BLOCKED_OPERATING_SYSTEMS_FILE + "> " + fileName.get(),
                readFile(fileName.get(), files)));
        }
        return new P0fHandlerConfig(clientConfig, neverLookUp, blocklist, Edges.parse(config, clientConfig));
    }

    private static String readFile(String name, FileResolver files) throws ConfigurationException {
        try {
            File file = files.resolve(name);
            return new String(Files.readAllBytes(file.toPath()), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("<" + BLOCKED_OPERATING_SYSTEMS_FILE + "> cannot be read: " + name
                + " (" + e + ")", e);
        }
    }

    public P0fClientConfig clientConfig() {
        return clientConfig;
    }

    /** Clients in these networks are never looked up: they get no fingerprint and are never blocked. */
    public Networks neverLookUp() {
        return neverLookUp;
    }

    public OsBlocklist blocklist() {
        return blocklist;
    }

    /** Behind load balancers: which p0f saw the clients of each proxy. Empty: the handler's own p0f. */
    public Edges edges() {
        return edges;
    }

    @Override
    public String toString() {
        return clientConfig + ", neverLookUp [" + neverLookUp + "], " + blocklist.size() + " blocked OS entries"
            + (edges.isEmpty() ? "" : ", edges [" + edges + "]");
    }
}
