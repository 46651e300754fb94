package io.github.jamesp0f.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Forward-confirmed reverse DNS, asynchronously: the PTR query, then an A (IPv4) or AAAA (IPv6)
 * query for each PTR name (at most {@value #MAX_NAMES}), the first name whose addresses contain the
 * client's address being the confirmed one. No thread waits: dnsjava's {@code sendAsync} (in every
 * dnsjava that James ships, 3.5.x and 3.6.x) completes the futures from its own I/O thread.
 *
 * <p>The returned future always completes normally, by {@code timeout} at the latest: a timeout,
 * an error answer or a broken resolver is a {@link ReverseName.Outcome#FAILED FAILED} result.
 */
public final class ForwardConfirmedDns {

    static final int MAX_NAMES = 3;

    private final Supplier<Resolver> resolver;
    private final Duration timeout;

    /** {@code resolver}: asked for on each lookup, so that it may be built lazily. */
    public ForwardConfirmedDns(Supplier<Resolver> resolver, Duration timeout) {
        this.resolver = resolver;
        this.timeout = timeout;
    }

    public CompletableFuture<ReverseName> lookup(InetAddress address) {
        CompletableFuture<ReverseName> result;
        try {
            Resolver dns = resolver.get();
            result = query(dns, ReverseMap.fromAddress(address), Type.PTR)
                .thenCompose(answer -> confirm(dns, address, answer));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .exceptionally(error -> ReverseName.failed(describe(error)));
    }

    private CompletableFuture<ReverseName> confirm(Resolver dns, InetAddress address, Message ptrAnswer) {
        if (ptrAnswer.getRcode() == Rcode.NXDOMAIN) {
            return CompletableFuture.completedFuture(ReverseName.unconfirmed("no PTR record"));
        }
        if (ptrAnswer.getRcode() != Rcode.NOERROR) {
            return CompletableFuture.completedFuture(ReverseName.failed("PTR query: " + Rcode.string(ptrAnswer.getRcode())));
        }
        List<Name> names = new ArrayList<>();
        for (Record record : ptrAnswer.getSection(Section.ANSWER)) {
            if (record instanceof PTRRecord && names.size() < MAX_NAMES) {
                names.add(((PTRRecord) record).getTarget());
            }
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(ReverseName.unconfirmed("no PTR record"));
        }
        int type = address instanceof Inet4Address ? Type.A : Type.AAAA;
        List<CompletableFuture<ReverseName>> checks = new ArrayList<>();
        for (Name name : names) {
            checks.add(query(dns, name, type).thenApply(answer -> check(name, answer, address)));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> best(checks));
    }

    private static ReverseName check(Name name, Message answer, InetAddress address) {
        if (answer.getRcode() != Rcode.NOERROR && answer.getRcode() != Rcode.NXDOMAIN) {
            return ReverseName.failed(name + ": " + Rcode.string(answer.getRcode()));
        }
        for (Record record : answer.getSection(Section.ANSWER)) {
            InetAddress forward = record instanceof ARecord ? ((ARecord) record).getAddress()
                : record instanceof AAAARecord ? ((AAAARecord) record).getAddress() : null;
            if (address.equals(forward)) {
                return ReverseName.confirmed(name.toString());
            }
        }
        return ReverseName.unconfirmed(name + " does not resolve back to " + address.getHostAddress());
    }

    /** A confirmed name wins; otherwise a failure (an answer might have confirmed); otherwise unconfirmed. */
    private static ReverseName best(List<CompletableFuture<ReverseName>> checks) {
        ReverseName best = null;
        for (CompletableFuture<ReverseName> check : checks) {
            ReverseName one = check.join();
            if (one.outcome() == ReverseName.Outcome.CONFIRMED) {
                return one;
            }
            if (best == null || one.failed()) {
                best = one;
            }
        }
        return best;
    }

    private static CompletableFuture<Message> query(Resolver dns, Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return dns.sendAsync(query).toCompletableFuture();
    }

    private String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        return String.valueOf(cause);
    }
}
