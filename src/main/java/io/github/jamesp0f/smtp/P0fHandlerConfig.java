package io.github.jamesp0f.smtp;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.config.ConfigValues;
import io.github.jamesp0f.config.P0fClientXml;
import io.github.jamesp0f.syn.P0fDatabase;

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
 *   &lt;source&gt;p0f|kernel|auto&lt;/source&gt;  default p0f: see {@link FingerprintSource}
 *   (the p0f client elements, read by {@link P0fClientXml}; required with p0f, optional otherwise)
 *   &lt;signatureDatabase&gt;/etc/p0f/james-p0f.fp&lt;/signatureDatabase&gt;  kernel and auto: default the jar's p0f.fp
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

    private final FingerprintSource source;
    private final Optional<P0fClientConfig> daemon;
    private final Optional<P0fDatabase> signatures;
    private final Networks neverLookUp;
    private final OsBlocklist blocklist;
    private final Edges edges;

    private P0fHandlerConfig(FingerprintSource source, Optional<P0fClientConfig> daemon, Optional<P0fDatabase> signatures,
                             Networks neverLookUp, OsBlocklist blocklist, Edges edges) {
        this.source = source;
        this.daemon = daemon;
        this.signatures = signatures;
        this.neverLookUp = neverLookUp;
        this.blocklist = blocklist;
        this.edges = edges;
    }

    public static P0fHandlerConfig parse(Configuration config, FileResolver files) throws ConfigurationException {
        Optional<String> sourceText = ConfigValues.text(config, FingerprintSource.ELEMENT);
        FingerprintSource source = sourceText.isPresent() ? FingerprintSource.parse(sourceText.get()) : FingerprintSource.P0F;
        Optional<P0fClientConfig> daemon = source == FingerprintSource.P0F ? Optional.of(P0fClientXml.read(config))
            : P0fClientXml.readIfPresent(config);
        Optional<P0fDatabase> signatures = Optional.empty();
        if (source.readsSavedSyn()) {
            signatures = Optional.of(SignatureDatabase.read(config, files));
        } else if (ConfigValues.text(config, SignatureDatabase.ELEMENT).isPresent()) {
            throw new ConfigurationException("<" + SignatureDatabase.ELEMENT + "> is only used with <"
                + FingerprintSource.ELEMENT + ">kernel or auto: the p0f daemon reads its own database (p0f -f)");
        }
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
        if (daemon.isEmpty() && config.getKeys(Edges.ELEMENT).hasNext()) {
            throw new ConfigurationException("<" + Edges.ELEMENT + "> needs the handler's own p0f daemon (<socketPath> or"
                + " <p0fAddress>): its edges' clients take that daemon's settings");
        }
        Edges edges = daemon.isPresent() ? Edges.parse(config, daemon.get()) : Edges.none();
        return new P0fHandlerConfig(source, daemon, signatures, neverLookUp, blocklist, edges);
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

    public FingerprintSource source() {
        return source;
    }

    /** The p0f daemon's client settings: always with {@code <source>p0f}, else when the element names a daemon. */
    public Optional<P0fClientConfig> daemon() {
        return daemon;
    }

    /** The signature database of the kernel source; present with {@code <source>kernel} and {@code auto}. */
    public Optional<P0fDatabase> signatures() {
        return signatures;
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
        return "source " + source.configName() + daemon.map(client -> ", " + client).orElse(", no p0f daemon")
            + signatures.map(database -> ", signatures " + database).orElse("")
            + ", neverLookUp [" + neverLookUp + "], " + blocklist.size() + " blocked OS entries"
            + (edges.isEmpty() ? "" : ", edges [" + edges + "]");
    }
}
