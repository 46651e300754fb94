package io.github.jamesp0f.smtp;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.inject.Inject;
import javax.inject.Provider;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fClient;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.netty.channel.Channel;

/**
 * Fingerprints every SMTP client, from the p0f daemon or from the SYN the kernel kept for its
 * connection ({@link FingerprintSource}). Declared in smtpserver.xml's handlerchain:
 * <ul>
 * <li>on connect, with the kernel source, matches the saved SYN ({@link KernelSource}): the
 * fingerprint is there at once. Else starts the daemon's lookup and returns at once (on James's
 * thread, writing nothing); the client's commands reach the hooks once the lookup is done
 * ({@link CommandHold}), so no hook ever waits. On a server that requires the PROXY header, the
 * lookup is for the client the header names, and starts when James has read it;</li>
 * <li>at MAIL FROM, refuses clients whose OS is blocked with 554 5.7.1, unless they may relay
 * (authenticated, or from authorizedAddresses);</li>
 * <li>for every mail, copies the fingerprint onto the Mail as {@link P0fAttributes}.</li>
 * </ul>
 * No hook ever waits for p0f: a lookup not answered by the time a hook needs it reads as no
 * fingerprint. Without an answer mail flows as if p0f were absent.
 */
public class P0fConnectHandler implements ConnectHandler<SMTPSession>, MailHook, JamesMessageHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(P0fConnectHandler.class);

    private final P0fClients clients;
    private final KernelSources kernelSources;
    /** James's SMTP servers, to find this handler's listening sockets once bound; null in tests. */
    private final Provider<SMTPServerFactory> servers;
    private final P0fMetrics metrics;
    private final FileSystem fileSystem;
    private volatile P0fHandlerConfig config;
    /** The p0f daemon's client; null without a daemon (kernel source only). */
    private volatile P0fClients.Lease lease;
    private volatile EdgeClients edges;
    /** The saved SYN's source ({@code <source>kernel} or {@code auto}); null when the daemon alone answers. */
    private volatile KernelSource kernel;
    /** Edges on a server that reads no PROXY header are said once, at its first connection. */
    private final AtomicBoolean edgesUnusedWarned = new AtomicBoolean();
    /** The kernel source on a server behind the PROXY protocol is said once, at its first connection. */
    private final AtomicBoolean proxiedKernelWarned = new AtomicBoolean();

    @Inject
    public P0fConnectHandler(P0fClients clients, KernelSources kernelSources, P0fMetrics metrics, FileSystem fileSystem,
                             Provider<SMTPServerFactory> servers) {
        this.clients = clients;
        this.kernelSources = kernelSources;
        this.metrics = metrics;
        this.fileSystem = fileSystem;
        this.servers = servers;
    }

    /**
     * For tests: a handler whose kernel source, if any, is listed nowhere, and asks the kernel to
     * keep SYNs at each socket's first connection.
     */
    public P0fConnectHandler(P0fClients clients, P0fMetrics metrics, FileSystem fileSystem) {
        this(clients, new KernelSources(), metrics, fileSystem, null);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        P0fHandlerConfig parsed = P0fHandlerConfig.parse(configuration, name -> fileSystem.getFile(name));
        this.config = parsed;
        this.kernel = KernelSource.of(parsed, metrics).orElse(null);
        this.lease = parsed.daemon().map(clients::acquire).orElse(null);
        this.edges = new EdgeClients(parsed.edges(), clients, metrics);
        if (kernel != null) {
            kernelSources.add(kernel);
            if (servers != null) {
                KernelSource source = kernel;
                BoundChannels.whenBound(servers, this, listening -> source.keepSyns(listening, true));
            }
        }
        LOGGER.info("p0f handler ready: {}", parsed);
    }

    /** Called by James when the SMTP server stops: the last handler using a client closes it. */
    @Override
    public void destroy() {
        P0fClients.Lease held = lease;
        if (held != null) {
            held.close();
        }
        EdgeClients edgesHeld = edges;
        if (edgesHeld != null) {
            edgesHeld.close();
        }
        KernelSource kernelHeld = kernel;
        if (kernelHeld != null) {
            kernelSources.remove(kernelHeld);
        }
    }

    @Override
    public Response onConnect(SMTPSession session) {
        if (CommandHold.proxyRequired(session)) {
            if (kernel != null && proxiedKernelWarned.compareAndSet(false, true)) {
                LOGGER.warn("p0f handler: <source>{} on an SMTP server that requires the PROXY header: the kernel's saved"
                    + " SYN is the balancer's, not the client's; its clients get {}", config.source().configName(),
                    lease == null ? KernelSource.NOTHING : "the p0f daemon's answer (or their edge's)");
            }
            if (lease != null) {
                lookUpAfterProxyHeader(session);
            }
            return NoResponse.INSTANCE;
        }
        if (!edges.isEmpty() && edgesUnusedWarned.compareAndSet(false, true)) {
            LOGGER.warn("p0f handler: <edges> are set but this SMTP server does not require the PROXY header"
                + " (<proxyRequired>): they are unused, and clients are looked up at {}", lease.config().endpoint());
        }
        InetSocketAddress remote = session.getRemoteAddress();
        if (config.neverLookUp().contains(remote.getAddress()) || (kernel != null && fromSavedSyn(session))) {
            return NoResponse.INSTANCE;
        }
        if (lease == null) {
            return NoResponse.INSTANCE;
        }
        CompletableFuture<P0fLookup> lookup = lookUp(lease.client(), remote, session);
        CommandHold.until(session, SessionFingerprint.attach(session, lookup));
        return NoResponse.INSTANCE;
    }

    /**
     * Fingerprints the client from the SYN the kernel kept for its connection: ready now, so its
     * commands are not held. False when the daemon must answer instead: the server's socket keeps
     * no SYNs, or (with {@code auto}) the kernel kept none for this connection.
     */
    private boolean fromSavedSyn(SMTPSession session) {
        Optional<Channel> channel = NettyChannels.of(session);
        if (channel.isEmpty() || !kernel.keepsSyns(channel.get())) {
            return false;
        }
        Optional<P0fLookup> found = kernel.lookUp(channel.get());
        found.ifPresent(lookup -> SessionFingerprint.attach(session, CompletableFuture.completedFuture(lookup)));
        return found.isPresent() || config.source() == FingerprintSource.KERNEL;
    }

    /**
     * At connect James has not read the PROXY header yet, and the session's address is the proxy's:
     * it picks the edge's p0f, if edges are configured. The lookup starts once James has handled the
     * header, for the client it names, and the client's commands are held until then.
     */
    private void lookUpAfterProxyHeader(SMTPSession session) {
        P0fClient client = lease.client();
        if (!edges.isEmpty()) {
            Optional<P0fClient> edge = edges.forProxy(session.getRemoteAddress().getAddress());
            if (edge.isEmpty()) {
                return;
            }
            client = edge.get();
        }
        P0fClient chosen = client;
        SessionFingerprint.SessionLookup pending = SessionFingerprint.pending(session);
        boolean held = CommandHold.afterProxyHeader(session, () -> {
            Optional<InetSocketAddress> proxied = ProxiedClient.of(session);
            if (proxied.isEmpty() || config.neverLookUp().contains(proxied.get().getAddress())) {
                pending.notLookedUp();
                return;
            }
            CompletableFuture<P0fLookup> lookup = lookUp(chosen, proxied.get(), session);
            pending.lookedUp(lookup);
            CommandHold.until(session, pending.settled());
        });
        if (!held) {
            // Without the hold the hooks could read the proxy's fingerprint, or none: better none.
            pending.notLookedUp();
        }
    }

    private CompletableFuture<P0fLookup> lookUp(P0fClient p0f, InetSocketAddress client, SMTPSession session) {
        try {
            return metrics.timed(p0f.lookup(client, session.getLocalAddress()));
        } catch (RuntimeException e) {
            // The client never throws by contract; the connection must not pay if one does. A
            // future that completes exceptionally needs no stage here: SessionFingerprint reads
            // it as a failure, and CommandHold lets go on any completion.
            return CompletableFuture.completedFuture(
                P0fLookup.failed(P0fFailure.Kind.IO_ERROR, "p0f lookup failed: " + e));
        }
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (config.blocklist().isEmpty() || session.isRelayingAllowed() || session.getUsername() != null) {
            return HookResult.DECLINED;
        }
        Optional<Fingerprint> fingerprint = SessionFingerprint.fingerprint(session);
        if (fingerprint.isEmpty()) {
            return HookResult.DECLINED;
        }
        String os = fingerprint.get().osDescription();
        Optional<String> entry = config.blocklist().match(fingerprint.get().osName().orElse(""), os);
        if (entry.isEmpty()) {
            return HookResult.DECLINED;
        }
        metrics.blocked();
        LOGGER.info("Refused mail from {}: operating system '{}' is blocked by entry '{}'",
            session.getRemoteAddress().getAddress().getHostAddress(), os, entry.get());
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.TRANSACTION_FAILED)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SECURITY_AUTH)
                + " Mail from your operating system (" + printable(os) + ") is not accepted here")
            .build();
    }

    @Override
    public HookResult doMail(SMTPSession session, MailAddress sender) {
        return doMail(session, MaybeSender.of(sender));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Optional<P0fLookup> lookup = SessionFingerprint.lookup(session);
        if (lookup.isEmpty()) {
            LOGGER.debug("Mail {} gets no p0f attributes: client {} was not looked up (neverLookUp, or no"
                + " client address in the PROXY header)", mail.getName(),
                session.getRemoteAddress().getAddress().getHostAddress());
        } else if (lookup.get().fingerprint().isPresent()) {
            P0fAttributes.attach(mail, lookup.get().fingerprint().get());
        } else {
            LOGGER.debug("Mail {} gets no p0f attributes: {}", mail.getName(), lookup.get());
        }
        return HookResult.DECLINED;
    }

    /** OS names come from p0f's database, but a reply line must never carry control characters. */
    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
