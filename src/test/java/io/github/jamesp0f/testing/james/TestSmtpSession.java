package io.github.jamesp0f.testing.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.utils.BaseFakeSMTPSession;

/**
 * An SMTP session for unit tests of hooks and handlers: a client address, relaying and
 * authentication flags, and working attachments (Connection and Transaction state kept apart).
 */
public final class TestSmtpSession extends BaseFakeSMTPSession {

    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Map<AttachmentKey<?>, Object> connectionState = new HashMap<>();
    private final Map<AttachmentKey<?>, Object> transactionState = new HashMap<>();
    private boolean relayingAllowed;
    private Username username;

    private TestSmtpSession(InetSocketAddress remote, InetSocketAddress local) {
        this.remote = remote;
        this.local = local;
    }

    public static TestSmtpSession from(String clientAddress) {
        try {
            return new TestSmtpSession(new InetSocketAddress(InetAddress.getByName(clientAddress), 40000),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public TestSmtpSession relaying() {
        this.relayingAllowed = true;
        return this;
    }

    public TestSmtpSession authenticatedAs(String user) {
        this.username = Username.of(user);
        return this;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return local;
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
    public String getSessionID() {
        return "test-session";
    }

    @Override
    public <T> Optional<T> setAttachment(AttachmentKey<T> key, T value, State state) {
        return Optional.ofNullable(state(state).put(key, value)).flatMap(key::convert);
    }

    @Override
    public <T> Optional<T> removeAttachment(AttachmentKey<T> key, State state) {
        return Optional.ofNullable(state(state).remove(key)).flatMap(key::convert);
    }

    @Override
    public <T> Optional<T> getAttachment(AttachmentKey<T> key, State state) {
        return Optional.ofNullable(state(state).get(key)).flatMap(key::convert);
    }

    private Map<AttachmentKey<?>, Object> state(State state) {
        return state == State.Connection ? connectionState : transactionState;
    }
}
