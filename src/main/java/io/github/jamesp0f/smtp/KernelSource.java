package io.github.jamesp0f.smtp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.netty.AbstractAsyncServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jamesp0f.client.AddressAndPort;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.syn.MalformedSynException;
import io.github.jamesp0f.syn.P0fDatabase;
import io.github.jamesp0f.syn.SynMatcher;
import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

/**
 * One handler's kernel source ({@code <source>kernel} or {@code auto}): the SYN the kernel kept for
 * each connection, matched in James with p0f's rules against the handler's signature database.
 * The answer is there at connect, so nothing waits for it.
 *
 * <p>The kernel is asked to keep SYNs on a listening socket as soon as James has bound it
 * ({@link BoundChannels}), or else at its first connection; the connections it accepted before
 * have no saved SYN and are counted ({@code p0f_kernel_no_syn}). A socket that cannot keep SYNs
 * (Netty's NIO transport, which James 3.8 always uses and James 3.9 without {@code <useEpoll>}; a
 * kernel before 4.2) is said once, with what happens instead.
 */
final class KernelSource {

    private static final Logger LOGGER = LoggerFactory.getLogger(KernelSource.class);
    private static final AttributeKey<Boolean> KEEPS_SYNS = AttributeKey.valueOf("io.github.jamesp0f.keepsSyns");
    private static final String EPOLL_PACKAGE = "io.netty.channel.epoll.";

    /** What a client gets when no source can say anything about it. */
    static final String NOTHING = "no fingerprint (mail flows as without the extension)";

    private final SynMatcher matcher;
    private final P0fMetrics metrics;
    private final String insteadOnSocket;
    private final String insteadOfSyn;
    private final Map<String, String> sockets = new ConcurrentHashMap<>();

    /**
     * What clients get instead: {@code insteadOnSocket} on a socket that keeps no SYNs,
     * {@code insteadOfSyn} when the kernel kept none for a connection (e.g. "the p0f daemon's answer").
     */
    KernelSource(P0fDatabase database, P0fMetrics metrics, String insteadOnSocket, String insteadOfSyn) {
        this.matcher = new SynMatcher(database);
        this.metrics = metrics;
        this.insteadOnSocket = insteadOnSocket;
        this.insteadOfSyn = insteadOfSyn;
    }

    /**
     * The handler's kernel source: empty with {@code <source>p0f}, and with {@code auto} in a James
     * whose SMTP servers cannot use the epoll transport (said once: the daemon answers).
     *
     * @throws ConfigurationException for {@code kernel}, or {@code auto} without a daemon, in such a James
     */
    static Optional<KernelSource> of(P0fHandlerConfig config, P0fMetrics metrics) throws ConfigurationException {
        if (!config.source().readsSavedSyn()) {
            return Optional.empty();
        }
        Optional<String> daemon = config.daemon().map(client -> "the p0f daemon's answer (" + client.endpoint() + ")");
        if (!jamesHasEpoll()) {
            if (config.source() == FingerprintSource.KERNEL || daemon.isEmpty()) {
                throw new ConfigurationException("<" + FingerprintSource.ELEMENT + ">" + config.source().configName()
                    + " needs James 3.9 or later with <useEpoll>true</useEpoll> on the SMTP server: this James serves"
                    + " SMTP on Netty's NIO transport only, where the kernel's saved SYN cannot be read. Use <"
                    + FingerprintSource.ELEMENT + ">p0f</" + FingerprintSource.ELEMENT + "> and a p0f daemon");
            }
            LOGGER.info("p0f handler: <{}>auto in a James without the epoll transport (before 3.9): every client gets {}",
                FingerprintSource.ELEMENT, daemon.get());
            return Optional.empty();
        }
        String onSocket = daemon.orElse(NOTHING);
        return Optional.of(new KernelSource(config.signatures().orElseThrow(), metrics, onSocket,
            config.source() == FingerprintSource.AUTO ? onSocket : NOTHING));
    }

    /** James 3.9 added {@code <useEpoll>}; James 3.8 serves SMTP on Netty's NIO transport only. */
    private static boolean jamesHasEpoll() {
        try {
            AbstractAsyncServer.class.getMethod("setUseEpoll", boolean.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Whether the listening socket of {@code connection} keeps SYNs. At the socket's first
     * connection, unless {@link #keepSyns} came first, asks the kernel to, and says the outcome once.
     */
    boolean keepsSyns(Channel connection) {
        Channel listening = connection.parent();
        return listening != null && keepSyns(listening, false);
    }

    /**
     * Asks the kernel to keep the SYNs of {@code listening}'s connections, once per socket: as James
     * has just bound it ({@code atBind}), or at its first connection. Says the outcome once.
     */
    boolean keepSyns(Channel listening, boolean atBind) {
        Attribute<Boolean> keeps = listening.attr(KEEPS_SYNS);
        Boolean known = keeps.get();
        if (known != null) {
            return known;
        }
        synchronized (this) {
            known = keeps.get();
            if (known == null) {
                known = askKernel(listening, atBind);
                keeps.set(known);
            }
            return known;
        }
    }

    private boolean askKernel(Channel listening, boolean atBind) {
        String address = printable(listening.localAddress());
        if (!listening.getClass().getName().startsWith(EPOLL_PACKAGE)) {
            sockets.put(address, "cannot keep SYNs: NIO transport");
            LOGGER.warn("p0f handler: SMTP server {} uses Netty's NIO transport, where the kernel's saved SYN cannot"
                + " be read (add <useEpoll>true</useEpoll> to its <smtpserver>, James 3.9 and later): its clients"
                + " get {}", address, insteadOnSocket);
            return false;
        }
        try {
            SavedSynOption.keepSyns(listening);
        } catch (RuntimeException e) {
            sockets.put(address, "cannot keep SYNs: " + e.getMessage());
            LOGGER.warn("p0f handler: the kernel does not keep SYNs for SMTP server {} (TCP_SAVE_SYN needs Linux 4.2"
                + " or newer): {}; its clients get {}", address, e.toString(), insteadOnSocket);
            return false;
        }
        sockets.put(address, "keeps SYNs");
        LOGGER.info("p0f handler: the kernel keeps the SYN of every connection to {} from now on, matched against {}"
            + (atBind ? "" : "; this first connection, and any accepted with it, gets {}"), address, matcher.database(),
            insteadOfSyn);
        return true;
    }

    /**
     * The client's fingerprint from the SYN the kernel kept for {@code connection} (whose socket
     * {@link #keepsSyns}); empty, and counted, when it kept none.
     */
    Optional<P0fLookup> lookUp(Channel connection) {
        Optional<ByteBuffer> syn;
        try {
            syn = SavedSynOption.read(connection);
        } catch (RuntimeException e) {
            LOGGER.debug("No saved SYN for {}: {}", connection.remoteAddress(), e.toString());
            syn = Optional.empty();
        }
        if (syn.isEmpty()) {
            metrics.kernelNoSyn();
            return Optional.empty();
        }
        P0fLookup lookup;
        try {
            lookup = P0fLookup.match(matcher.match(syn.get()).toFingerprint());
        } catch (MalformedSynException e) {
            // A SYN p0f would not fingerprint (IPv6 extension headers, say): the daemon would know no more.
            LOGGER.debug("The saved SYN of {} is not one p0f fingerprints: {}", connection.remoteAddress(), e.getMessage());
            lookup = P0fLookup.noMatch();
        } catch (RuntimeException e) {
            // A bug must cost the fingerprint, never the connection.
            LOGGER.warn("Matching the saved SYN of {} failed; the client gets {}", connection.remoteAddress(), insteadOfSyn, e);
            metrics.kernelNoSyn();
            return Optional.empty();
        }
        metrics.kernelLookup(lookup);
        return Optional.of(lookup);
    }

    private static String printable(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return AddressAndPort.format(inet.getAddress(), inet.getPort());
        }
        return String.valueOf(address);
    }

    /** Each listening socket seen so far, and whether it keeps SYNs (or why not). */
    Map<String, String> sockets() {
        return sockets;
    }

    P0fDatabase database() {
        return matcher.database();
    }

    /** What clients get on a socket that keeps no SYNs. */
    String insteadOnSocket() {
        return insteadOnSocket;
    }

    /** What a client gets when the kernel kept no SYN for its connection. */
    String insteadOfSyn() {
        return insteadOfSyn;
    }

    @Override
    public String toString() {
        return "kernel source (" + matcher.database() + ")";
    }
}
