package io.github.jamesp0f.greylist;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.metrics.P0fMetrics;
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
 * <p>Never answers OK (that would skip James's relay check): passing is DECLINED, deferring is
 * {@code 451 4.7.1}. Relaying and authenticated sessions are never greylisted, and a failing store
 * lets mail through (fail open).
 */
public class P0fGreylistHandler implements RcptHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(P0fGreylistHandler.class);

    static final HookResult DEFERRED = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SECURITY_AUTH)
            + " Greylisted: please try again later")
        .build();

    private final P0fMetrics metrics;
    private final Clock clock;
    private final Function<GreylistConfig, GreylistStore> storeFactory;
    private GreylistConfig config;
    private GreylistStore store;
    private StoreHealth health;

    @Inject
    public P0fGreylistHandler(P0fMetrics metrics) {
        this(metrics, Clock.systemUTC(), null);
    }

    /** For tests: a controlled clock, and optionally a store of the test's choosing. */
    P0fGreylistHandler(P0fMetrics metrics, Clock clock, Function<GreylistConfig, GreylistStore> storeFactory) {
        this.metrics = metrics;
        this.clock = clock;
        this.storeFactory = storeFactory != null ? storeFactory : this::defaultStore;
    }

    private GreylistStore defaultStore(GreylistConfig parsed) {
        return parsed.jdbc()
            .<GreylistStore>map(jdbc -> new JdbcGreylistStore(jdbc, parsed.periods(), clock::millis))
            .orElseGet(() -> new MemoryGreylistStore(parsed.periods(), parsed.maxEntries()));
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        this.config = GreylistConfig.parse(configuration);
        this.health = new StoreHealth(config.storeRetryDelay().toMillis());
        this.store = storeFactory.apply(config);
        LOGGER.info("p0f greylisting: {}", config);
    }

    @Override
    public void destroy() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (session.isRelayingAllowed() || session.getUsername() != null) {
            return HookResult.DECLINED;
        }
        Optional<P0fLookup> lookup = SessionFingerprint.lookup(session);
        if (!config.criteria().selects(lookup)) {
            return HookResult.DECLINED;
        }
        long now = clock.millis();
        if (!health.worthTrying(now)) {
            return HookResult.DECLINED;
        }
        Triplet triplet = triplet(session, sender, rcpt);
        GreylistDecision decision;
        try {
            decision = store.record(triplet, now);
        } catch (GreylistStoreException e) {
            health.failed(e, now);
            return HookResult.DECLINED;
        } catch (RuntimeException e) {
            // A bug must not cost mail either.
            health.failed(new GreylistStoreException("greylist store: " + e, e), now);
            return HookResult.DECLINED;
        }
        health.succeeded();
        LOGGER.debug("Greylist {}: {}", triplet, decision);
        if (decision.deferred()) {
            metrics.greylistDeferred();
            return DEFERRED;
        }
        metrics.greylistPassed();
        return HookResult.DECLINED;
    }

    private Triplet triplet(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        InetSocketAddress remote = session.getRemoteAddress();
        return Triplet.of(ClientKey.of(remote.getAddress(), config.groupByNetwork()),
            sender.asString(""), rcpt == null ? "" : rcpt.asString());
    }
}
