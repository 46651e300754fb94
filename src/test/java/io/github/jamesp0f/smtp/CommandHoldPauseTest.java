package io.github.jamesp0f.smtp;

import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.util.concurrent.CompletableFuture;

import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Without a Netty channel (a session of a test double or of a changed James), the hold is the input pause alone. */
class CommandHoldPauseTest {

    private final ProtocolTransport transport = mock(ProtocolTransport.class);
    private final SMTPSessionImpl session = new SMTPSessionImpl(transport, mock(SMTPConfiguration.class));

    @Test
    void readingStopsUntilTheLookupCompletes() {
        CompletableFuture<String> lookup = new CompletableFuture<>();

        CommandHold.until(session, lookup);

        verify(transport).setReadable(false);
        verify(transport, never()).setReadable(true);
        lookup.complete("done");
        InOrder order = inOrder(transport);
        order.verify(transport).setReadable(false);
        order.verify(transport).setReadable(true);
    }

    @Test
    void aFailedLookupResumesReadingToo() {
        CompletableFuture<String> lookup = new CompletableFuture<>();

        CommandHold.until(session, lookup);
        lookup.completeExceptionally(new IllegalStateException("broken"));

        verify(transport).setReadable(true);
    }

    @Test
    void aLookupDoneAlreadyPausesNothing() {
        CommandHold.until(session, CompletableFuture.completedFuture("cached"));

        verify(transport, never()).setReadable(anyBoolean());
    }

    @Test
    void readingResumesOnlyOnceEveryPausedWorkIsDone() {
        CompletableFuture<String> p0f = new CompletableFuture<>();
        CompletableFuture<String> dns = new CompletableFuture<>();

        CommandHold.until(session, p0f);
        CommandHold.until(session, dns);
        p0f.complete("fingerprint");

        verify(transport).setReadable(false);
        verify(transport, never()).setReadable(true);
        dns.complete("name");
        verify(transport).setReadable(true);
    }

    @Test
    void aSessionPausedAgainAfterResumingStopsReadingAgain() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();

        CommandHold.until(session, first);
        first.complete("done");
        CommandHold.until(session, second);

        InOrder order = inOrder(transport);
        order.verify(transport).setReadable(false);
        order.verify(transport).setReadable(true);
        order.verify(transport).setReadable(false);
        second.complete("done");
        order.verify(transport).setReadable(true);
    }
}
