package io.github.jamesp0f.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.fingerprint.P0fVersion;
import io.github.jamesp0f.client.transport.P0fClientFactory;

/** {@code check}: does p0f answer at this endpoint, and if not, why not, in plain words. */
final class CheckCommand implements Command {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(2000);

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String usage() {
        return "check (--socket PATH | --p0f-address IP:PORT) [--version 2|3] [--timeout DURATION]\n"
            + "    Says whether p0f answers at PATH (or at IP:PORT, a TCP relay to p0f's socket), or why not:\n"
            + "    no such file, connection refused (a stale socket; nothing listening at IP:PORT), permission\n"
            + "    denied, unreachable, not a p0f socket, no answer (p0f stalled or its API slots full).\n"
            + "    --timeout such as 500ms or 2s; a bare number is milliseconds (default " + DEFAULT_TIMEOUT.toMillis() + "ms).";
    }

    @Override
    public Set<String> valueOptions() {
        return ClientOptions.NAMES;
    }

    @Override
    public int run(Arguments arguments, PrintStream out, PrintStream err)
        throws UsageException, P0fUnavailableException {
        arguments.requireOperands();
        P0fClientConfig config = ClientOptions.build(ClientOptions.read(arguments, DEFAULT_TIMEOUT)
            .connections(1).cacheTtl(Duration.ZERO).noMatchRetryDelay(Duration.ZERO));
        config.endpoint().socketPath().flatMap(SocketDirectoryNote::of)
            .ifPresent(note -> err.println(P0fTool.NAME + ": " + note));
        UnixSockets.loadFor(config.endpoint());
        P0fLookup lookup;
        double millis;
        try (P0fClient client = P0fClientFactory.create(config)) {
            long started = System.nanoTime();
            lookup = loopbackRequest(config.version()).run(client, config);
            millis = (System.nanoTime() - started) / 1e6;
        }
        if (lookup.status() == P0fLookup.Status.FAILED) {
            throw new P0fUnavailableException(lookup.failure().get().message());
        }
        // Any well-formed answer, match or not, shows a working p0f.
        out.println(String.format(Locale.ROOT, "p0f answers at %s (p0f %s API, %.1f ms)", config.endpoint(),
            config.version(), millis));
        return ExitCode.OK;
    }

    /** This machine's loopback: any p0f answers that, with OK or NOMATCH. */
    private static LookupRequest loopbackRequest(P0fVersion version) throws UsageException {
        return version == P0fVersion.V3
            ? LookupRequest.of("address", "127.0.0.1", null, version)
            : LookupRequest.of("address", "127.0.0.1:1", "127.0.0.1:1", version);
    }
}
