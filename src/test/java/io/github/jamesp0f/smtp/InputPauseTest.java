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

class InputPauseTest {

    private final ProtocolTransport transport = mock(ProtocolTransport.class);
    private final SMTPSessionImpl session = new SMTPSessionImpl(transport, mock(SMTPConfiguration.class));

    @Test
    void readingStopsUntilTheLookupCompletes() {
        CompletableFuture<String> lookup = new CompletableFuture<>();

        InputPause.until(session, lookup);

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

        InputPause.until(session, lookup);
        lookup.completeExceptionally(new IllegalStateException("broken"));

        verify(transport).setReadable(true);
    }

    @Test
    void aLookupDoneAlreadyPausesNothing() {
        InputPause.until(session, CompletableFuture.completedFuture("cached"));

        verify(transport, never()).setReadable(anyBoolean());
    }

    @Test
    void readingResumesOnlyOnceEveryPausedWorkIsDone() {
        CompletableFuture<String> p0f = new CompletableFuture<>();
        CompletableFuture<String> dns = new CompletableFuture<>();

        InputPause.until(session, p0f);
        InputPause.until(session, dns);
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

        InputPause.until(session, first);
        first.complete("done");
        InputPause.until(session, second);

        InOrder order = inOrder(transport);
        order.verify(transport).setReadable(false);
        order.verify(transport).setReadable(true);
        order.verify(transport).setReadable(false);
        second.complete("done");
        order.verify(transport).setReadable(true);
    }
}
