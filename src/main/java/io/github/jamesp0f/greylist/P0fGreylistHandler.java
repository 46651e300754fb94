package io.github.jamesp0f.greylist;

import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import javax.inject.Inject;

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
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Lookup;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.dns.ForwardConfirmedDns;
import io.github.jamesp0f.dns.ReverseName;
import io.github.jamesp0f.dns.ReverseNameCache;
import io.github.jamesp0f.metrics.P0fMetrics;
import io.github.jamesp0f.smtp.CommandHold;
import io.github.jamesp0f.smtp.NoResponse;
import io.github.jamesp0f.smtp.P0fHandlerConfig.FileResolver;
import io.github.jamesp0f.smtp.SessionFingerprint;

/**
 * Greylists at RCPT the clients whose p0f fingerprint matches the configured conditions (for
 * example Windows hosts), and lets everyone else through at once. Declared in smtpserver.xml's
 * handlerchain after P0fConnectHandler, which starts the p0f lookup this handler reads.
 *
 * <p>Why not James's {@code AbstractGreylistHandler}: it reads {@code Instant.now()} (no clock to
 * inject), needs a read and then a separate insert or update (two round trips and a race between
 * MX hosts sharing a database), treats a waiting triplet older than the unseen lifetime as a
 * passing retry until a random cleanup happens to delete it, runs that full-table cleanup on 1% of
 * RCPTs, answers 451 4.3.0, and logs every store failure. Here the rules live in
 * {@link GreylistStore#record}, one atomic call per RCPT that a database does as one upsert.
 *
 * <p>Each client is screened once, when p0f has answered its connect-time lookup: the OS
 * conditions, and for a client they select (and only then) the forward-confirmed host name for
 * the exemptions. The session's input stays paused until that is done or the DNS times out
 * ({@link CommandHold}: no thread waits), so that RCPT reads the answer at once and the hooks that
 * run for every command (HELO, MAIL) cost nothing here. The reverse DNS goes to dnsjava's
 * default resolver, which James's DNS service sets to the servers of its dnsservice.xml
 * ({@code setAsDNSJavaDefault}, true by default). A DNS failure or timeout means "not exempt".
 *
 * <p>Never answers OK (that would skip James's relay check): passing is DECLINED, deferring is
 * {@code 451 4.7.1}. Relaying and authenticated sessions are never greylisted, and a failing store
 * lets mail through (fail open).
 */
public class P0fGreylistHandler implements ConnectHandler<SMTPSession>, RcptHook, JamesMessageHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(P0fGreylistHandler.class);

    static final HookResult DEFERRED = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SECURITY_AUTH)
            + " Greylisted: please try again later")
        .build();

    /** The longest delay of the transaction's accepted recipients, in ms, for the p0f.greylist attribute. */
    private static final AttachmentKey<Long> DELAY = AttachmentKey.of("io.github.jamesp0f.greylist.delay", Long.class);

    /** Addresses whose FCrDNS result is kept: about 200 bytes each. */
    static final int REVERSE_NAMES_CACHED = 100_000;

    private final P0fMetrics metrics;
    private final Clock clock;
    private final Function<GreylistConfig, GreylistStore> storeFactory;
    private final Function<GreylistConfig, Function<InetAddress, CompletableFuture<ReverseName>>> dnsFactory;
    private final FileResolver files;
    /** The handler declared before P0fConnectHandler is said once, not at every RCPT. */
    private final AtomicBoolean misorderWarned = new AtomicBoolean();
    private GreylistConfig config;
    private GreylistStore store;
    private StoreHealth health;
    private ReverseNameCache reverseNames;

    @Inject
    public P0fGreylistHandler(P0fMetrics metrics, FileSystem fileSystem) {
        this(metrics, Clock.systemUTC(), null, null, fileSystem::getFile);
    }

    /** For tests: a controlled clock, a store of the test's choosing (or null), no reverse DNS. */
    P0fGreylistHandler(P0fMetrics metrics, Clock clock, Function<GreylistConfig, GreylistStore> storeFactory) {
        this(metrics, clock, storeFactory,
            parsed -> address -> CompletableFuture.completedFuture(ReverseName.failed("no DNS in this test")),
            File::new);
    }

    /**
     * For tests: a controlled clock, and optionally a store and a reverse DNS of the test's choosing
     * (null: the configured store; FCrDNS through dnsjava's default resolver).
     */
    P0fGreylistHandler(P0fMetrics metrics, Clock clock, Function<GreylistConfig, GreylistStore> storeFactory,
                       Function<GreylistConfig, Function<InetAddress, CompletableFuture<ReverseName>>> dnsFactory,
                       FileResolver files) {
        this.metrics = metrics;
        this.clock = clock;
        this.storeFactory = storeFactory != null ? storeFactory : this::defaultStore;
        this.dnsFactory = dnsFactory != null ? dnsFactory
            : parsed -> new ForwardConfirmedDns(Lookup::getDefaultResolver, parsed.dnsTimeout())::lookup;
        this.files = files;
    }

    private GreylistStore defaultStore(GreylistConfig parsed) {
        return parsed.jdbc()
            .<GreylistStore>map(jdbc -> new JdbcGreylistStore(jdbc, parsed.periods(), parsed.autoWhitelistAfter(), clock::millis))
            .orElseGet(() -> new MemoryGreylistStore(parsed.periods(), parsed.maxEntries(), parsed.autoWhitelistAfter()));
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        this.config = GreylistConfig.parse(configuration, files);
        this.health = new StoreHealth(config.storeRetryDelay().toMillis());
        this.store = storeFactory.apply(config);
        this.reverseNames = new ReverseNameCache(dnsFactory.apply(config), clock::millis,
            config.dnsCacheLifetime().toMillis(), REVERSE_NAMES_CACHED, metrics::greylistDnsFailure);
        LOGGER.info("p0f greylisting: {}", config);
    }

    @Override
    public void destroy() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * Screens the client as soon as p0f has answered: the OS conditions, then, for a selected
     * client only, the FCrDNS lookup when exemptions or {@code keyBy hostname} need it. Returns at
     * once (on James's thread); the client's commands are held until the screening is done.
     */
    @Override
    public Response onConnect(SMTPSession session) {
        Optional<CompletableFuture<?>> p0f = SessionFingerprint.settled(session);
        if (p0f.isEmpty()) {
            // In neverLookUp (never greylisted), or this handler is declared before P0fConnectHandler.
            return NoResponse.INSTANCE;
        }
        CompletableFuture<Screening> screening = p0f.get().isDone()
            ? screen(session, SessionFingerprint.lookup(session))
            : p0f.get().thenCompose(settled -> screen(session, SessionFingerprint.lookup(session)));
        SessionScreening.attach(session, screening);
        CommandHold.until(session, screening);
        return NoResponse.INSTANCE;
    }

    /**
     * Once the lookup is settled: behind the PROXY protocol, only then does the session know the
     * client's address, and so whether it may relay.
     */
    private CompletableFuture<Screening> screen(SMTPSession session, Optional<P0fLookup> lookup) {
        if (session.isRelayingAllowed() || !config.criteria().selects(lookup)) {
            return Screening.NOT_SELECTED_NOW;
        }
        if (!config.needsReverseDns()) {
            return Screening.SELECTED_NOW;
        }
        try {
            return reverseNames.get(clientAddress(session)).thenApply(name -> Screening.selected(name.confirmedName()));
        } catch (RuntimeException e) {
            // A bug must not cost mail: without a name the client is simply not exempt.
            LOGGER.warn("FCrDNS lookup for greylisting could not start: {}", e.toString());
            return Screening.SELECTED_NOW;
        }
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (exemptSession(session)) {
            return HookResult.DECLINED;
        }
        Screening screening = SessionScreening.read(session).orElseGet(() -> screenedLate(session));
        if (!screening.isSelected()) {
            return HookResult.DECLINED;
        }
        Optional<String> confirmedName = screening.confirmedName();
        Optional<String> exemption = confirmedName.flatMap(config.exemptHostnames()::match);
        if (exemption.isPresent()) {
            LOGGER.debug("Not greylisting {}: confirmed host name {} matches exemption '{}'",
                session.getRemoteAddress().getAddress().getHostAddress(), confirmedName.get(), exemption.get());
            metrics.greylistExemptedByHostname();
            noteDelay(session, 0);
            return HookResult.DECLINED;
        }
        long now = clock.millis();
        if (!health.worthTrying(now)) {
            noteDelay(session, 0);
            return HookResult.DECLINED;
        }
        Triplet triplet = Triplet.of(ClientKey.of(clientAddress(session), config.keyBy(), confirmedName),
            sender.asString(""), rcpt == null ? "" : rcpt.asString());
        GreylistVerdict verdict;
        try {
            verdict = store.decide(triplet, now);
        } catch (GreylistStoreException e) {
            health.failed(e, now);
            noteDelay(session, 0);
            return HookResult.DECLINED;
        } catch (RuntimeException e) {
            // A bug must not cost mail either.
            health.failed(new GreylistStoreException("greylist store: " + e, e), now);
            noteDelay(session, 0);
            return HookResult.DECLINED;
        }
        health.succeeded();
        LOGGER.debug("Greylist {}: {}", triplet, verdict);
        switch (verdict.decision()) {
            case PASSED:
                metrics.greylistPassed();
                noteDelay(session, verdict.delayMillis());
                return HookResult.DECLINED;
            case PASSED_CLIENT_WHITELISTED:
                metrics.greylistExemptedByAutoWhitelist();
                noteDelay(session, 0);
                return HookResult.DECLINED;
            default:
                metrics.greylistDeferred();
                return DEFERRED;
        }
    }

    /**
     * Without a finished screening (a client that talked before the banner, a screening that
     * failed, or this handler declared before P0fConnectHandler): the OS conditions on what p0f
     * said by now, without a host name, so not exempt.
     */
    private Screening screenedLate(SMTPSession session) {
        Optional<P0fLookup> lookup = SessionFingerprint.lookup(session);
        if (lookup.isPresent() && config.needsReverseDns() && !SessionScreening.started(session)
            && misorderWarned.compareAndSet(false, true)) {
            LOGGER.warn("P0fGreylistHandler found no screening started at connect: declare it after"
                + " P0fConnectHandler in the handlerchain, or host name exemptions never apply");
        }
        return Screening.of(config.criteria().selects(lookup));
    }

    private static void noteDelay(SMTPSession session, long delayMillis) {
        long longest = Math.max(delayMillis, session.getAttachment(DELAY, State.Transaction).orElse(0L));
        session.setAttachment(DELAY, longest, State.Transaction);
    }

    /** Copies the transaction's delay onto the mail as {@link P0fAttributes#GREYLIST} (whole seconds). */
    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        session.getAttachment(DELAY, State.Transaction).ifPresent(delay -> mail.setAttribute(
            new Attribute(P0fAttributes.GREYLIST, AttributeValue.of(String.valueOf(delay / 1000)))));
        return HookResult.DECLINED;
    }

    private static boolean exemptSession(SMTPSession session) {
        return session.isRelayingAllowed() || session.getUsername() != null;
    }

    /** Without a scope id, and an IPv4-mapped IPv6 address as the IPv4 client it stands for. */
    private static InetAddress clientAddress(SMTPSession session) {
        InetAddress remote = session.getRemoteAddress().getAddress();
        try {
            return InetAddress.getByAddress(remote.getAddress());
        } catch (UnknownHostException e) {
            return remote;
        }
    }
}
