package io.github.jamesp0f.smtp;

import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.netty.NettyProtocolTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;

/**
 * The Netty channel under one of James's network sessions. James keeps it in a private field of
 * {@link NettyProtocolTransport} (3.8.1 to 3.9.0) and offers no accessor; this class is the one
 * place that reaches it, so that a James which renames the field costs only what needs the
 * channel, said once at WARN, never a connection.
 */
public final class NettyChannels {

    private static final Logger LOGGER = LoggerFactory.getLogger(NettyChannels.class);
    private static final String FIELD = "channel";
    private static final Optional<Field> CHANNEL_FIELD = channelField();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private NettyChannels() {
    }

    /**
     * The session's channel; empty for a session that is not one of James's Netty sessions (a test
     * double), or when this James keeps its channel elsewhere (warned once).
     */
    public static Optional<Channel> of(ProtocolSession session) {
        if (!(session instanceof ProtocolSessionImpl)) {
            return Optional.empty();
        }
        ProtocolTransport transport = ((ProtocolSessionImpl) session).getProtocolTransport();
        if (!(transport instanceof NettyProtocolTransport)) {
            return Optional.empty();
        }
        if (CHANNEL_FIELD.isEmpty()) {
            warnOnce("NettyProtocolTransport has no field '" + FIELD + "' of type Channel");
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((Channel) CHANNEL_FIELD.get().get(transport));
        } catch (IllegalAccessException | RuntimeException e) {
            warnOnce("reading NettyProtocolTransport." + FIELD + " failed: " + e);
            return Optional.empty();
        }
    }

    private static Optional<Field> channelField() {
        try {
            Field field = NettyProtocolTransport.class.getDeclaredField(FIELD);
            if (!Channel.class.isAssignableFrom(field.getType())) {
                return Optional.empty();
            }
            field.setAccessible(true);
            return Optional.of(field);
        } catch (NoSuchFieldException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void warnOnce(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOGGER.warn("Cannot reach the Netty channel of James's SMTP sessions ({}): a client's commands read"
                + " before its p0f lookup is done may reach the hooks without a fingerprint, and connections"
                + " behind the PROXY protocol are not looked up", why);
        }
    }
}
