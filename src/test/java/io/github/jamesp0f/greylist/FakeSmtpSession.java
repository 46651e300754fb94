package io.github.jamesp0f.greylist;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.utils.BaseFakeSMTPSession;

import io.github.jamesp0f.client.P0fLookup;
import io.github.jamesp0f.smtp.SessionFingerprint;

/** An SMTP session from one client address, with what P0fConnectHandler would have attached. */
final class FakeSmtpSession extends BaseFakeSMTPSession {

    private final InetSocketAddress remote;
    private final Map<AttachmentKey<?>, Object> connectionState = new HashMap<>();
    private boolean relayingAllowed;
    private Username username;

    private FakeSmtpSession(String address) throws UnknownHostException {
        this.remote = new InetSocketAddress(InetAddress.getByName(address), 40000);
    }

    static FakeSmtpSession from(String address) throws UnknownHostException {
        return new FakeSmtpSession(address);
    }

    /** As if P0fConnectHandler had looked the client up at connect time. */
    FakeSmtpSession withLookup(P0fLookup lookup) {
        SessionFingerprint.attach(this, CompletableFuture.completedFuture(lookup), System.nanoTime());
        return this;
    }

    FakeSmtpSession relaying() {
        this.relayingAllowed = true;
        return this;
    }

    FakeSmtpSession authenticatedAs(String user) {
        this.username = Username.of(user);
        return this;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public boolean isRelayingAllowed() {
        return relayingAllowed;
    }

    @Override
    public Username getUsername() {
        return username;
    }

    @Override
    public <T> Optional<T> setAttachment(AttachmentKey<T> key, T value, State state) {
        return Optional.ofNullable(connectionState.put(key, value)).flatMap(key::convert);
    }

    @Override
    public <T> Optional<T> getAttachment(AttachmentKey<T> key, State state) {
        return Optional.ofNullable(connectionState.get(key)).flatMap(key::convert);
    }
}
