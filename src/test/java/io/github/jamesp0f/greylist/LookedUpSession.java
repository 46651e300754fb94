package io.github.jamesp0f.greylist;

import java.util.concurrent.CompletableFuture;

import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.smtp.SessionFingerprint;
import io.github.jamesp0f.testing.james.TestSmtpSession;

/** A test session as P0fConnectHandler leaves it: the connect-time lookup already answered. */
final class LookedUpSession {

    private LookedUpSession() {
    }

    static TestSmtpSession from(String address, P0fLookup lookup) {
        TestSmtpSession session = TestSmtpSession.from(address);
        SessionFingerprint.attach(session, CompletableFuture.completedFuture(lookup));
        return session;
    }
}
