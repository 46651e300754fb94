package io.github.jamesp0f.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.client.transport.P0fClientFactory;

/** {@code query}: what p0f knows about one address. */
final class QueryCommand implements Command {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1000);

    @Override
    public String name() {
        return "query";
    }

    @Override
    public String usage() {
        return "query (--socket PATH | --p0f-address IP:PORT) ADDRESS [--json] [--version 2|3]\n"
            + "      [--local-address IP:PORT] [--timeout DURATION]\n"
            + "    What p0f knows about ADDRESS (an IP address; IP:PORT with --version 2), asked at p0f's\n"
            + "    unix socket PATH or at IP:PORT, a TCP relay to that socket (p0f 3 only).\n"
            + "    --json prints one JSON object keyed by p0f's v3 field names (null when unknown).\n"
            + "    --version 2 asks a p0f 2 (-Q socket) about the connection ADDRESS -> --local-address.\n"
            + "    --timeout: the longest to wait for p0f, such as 500ms or 2s; a bare number is milliseconds\n"
            + "    (default " + DEFAULT_TIMEOUT.toMillis() + "ms).";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of(ClientOptions.SOCKET, ClientOptions.P0F_ADDRESS, ClientOptions.VERSION, ClientOptions.TIMEOUT, LookupRequest.LOCAL_ADDRESS);
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of("json");
    }

    @Override
    public int run(Arguments arguments, PrintStream out, PrintStream err)
        throws UsageException, P0fUnavailableException {
        arguments.requireOperands("ADDRESS");
        // One lookup: one connection, nothing to cache.
        P0fClientConfig config = ClientOptions.build(ClientOptions.read(arguments, DEFAULT_TIMEOUT)
            .connections(1).cacheTtl(Duration.ZERO));
        LookupRequest request = LookupRequest.of("ADDRESS", arguments.operands().get(0),
            arguments.value(LookupRequest.LOCAL_ADDRESS).orElse(null), config.version());
        UnixSockets.loadFor(config.endpoint());
        P0fLookup lookup;
        try (P0fClient client = P0fClientFactory.create(config)) {
            lookup = request.run(client, config);
        }
        String address = request.remote().address().getHostAddress();
        switch (lookup.status()) {
            case MATCH:
                out.print(arguments.flag("json")
                    ? FingerprintFormat.json(lookup.fingerprint().get()) + System.lineSeparator()
                    : FingerprintFormat.text(address, lookup.fingerprint().get()));
                return ExitCode.OK;
            case NO_MATCH:
                err.println(P0fTool.NAME + ": p0f has no match for " + address
                    + " (it has seen no SYN from it, or has forgotten it)");
                return ExitCode.NO_MATCH;
            default:
                throw new P0fUnavailableException(lookup.failure().get().message());
        }
    }
}
