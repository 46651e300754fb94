package io.github.jamesp0f.smtp;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.inject.Provider;

import org.apache.james.protocols.api.handler.ProtocolHandlerChain;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.protocols.lib.netty.AbstractProtocolAsyncServer;
import org.apache.james.protocols.netty.AbstractAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;

/**
 * The listening channels of the SMTP server a handler belongs to, as soon as James has bound them,
 * so that the kernel keeps SYNs from that server's first connection on. James calls handlers
 * before it binds, and offers neither a hook after binding nor its channels: this class finds the
 * server among {@link SMTPServerFactory}'s (from Guice) by its handler chain, which it reads with
 * a protected method, and the server's channels and PROXY setting in fields, all by reflection
 * (James 3.8.1 to 3.9.0), from a thread of its own that looks every 10 ms until the server is
 * bound. A server behind the PROXY protocol is left alone: its SYNs are the balancer's. Where
 * this James is otherwise, or no server holds the handler, it gives up (DEBUG) and the handler
 * asks at each socket's first connection instead.
 */
final class BoundChannels {

    private static final Logger LOGGER = LoggerFactory.getLogger(BoundChannels.class);
    private static final long POLL_MILLIS = 10;
    /** James binds a server right after its handlers' init; other servers' and modules' start-up may delay it. */
    private static final long GIVE_UP_MILLIS = 120_000;

    private BoundChannels() {
    }

    /** Calls {@code action} with each listening channel of the server whose chain holds {@code handler}, once bound. */
    static void whenBound(Provider<SMTPServerFactory> servers, Object handler, Consumer<Channel> action) {
        Thread watcher = new Thread(() -> watch(servers, handler, action), "p0f-kernel-bound-channels");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watch(Provider<SMTPServerFactory> servers, Object handler, Consumer<Channel> action) {
        long deadline = System.currentTimeMillis() + GIVE_UP_MILLIS;
        try {
            Method chain = AbstractProtocolAsyncServer.class.getDeclaredMethod("getProtocolHandlerChain");
            chain.setAccessible(true);
            Field channels = AbstractAsyncServer.class.getDeclaredField("channels");
            channels.setAccessible(true);
            Field proxyRequired = AbstractConfigurableAsyncServer.class.getDeclaredField("proxyRequired");
            proxyRequired.setAccessible(true);
            SMTPServerFactory factory = servers.get();
            while (System.currentTimeMillis() < deadline) {
                Optional<AbstractConfigurableAsyncServer> server;
                try {
                    server = serverOf(factory, handler, chain);
                } catch (RuntimeException stillBeingBuilt) {
                    // James fills the server list and the chains meanwhile, in threads of its own.
                    server = Optional.empty();
                }
                // Synchronized with bind(): not empty once every address of the server is bound.
                if (server.isPresent() && !server.get().getListenAddresses().isEmpty()) {
                    // Behind the PROXY protocol the SYNs are the balancer's: the handler says so at the first connection.
                    if (!proxyRequired.getBoolean(server.get())) {
                        ((ChannelGroup) channels.get(server.get())).forEach(action);
                    }
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
            LOGGER.debug("No bound SMTP server holds this p0f handler after {} ms: the kernel is asked to keep SYNs"
                + " at each socket's first connection", GIVE_UP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOGGER.debug("Cannot reach James's bound SMTP sockets ({}): the kernel is asked to keep SYNs at each"
                + " socket's first connection", e.toString());
        }
    }

    private static Optional<AbstractConfigurableAsyncServer> serverOf(SMTPServerFactory factory, Object handler,
                                                                      Method chain) throws ReflectiveOperationException {
        List<AbstractConfigurableAsyncServer> servers = factory.getServers();
        if (servers == null) {
            return Optional.empty();
        }
        for (AbstractConfigurableAsyncServer server : servers) {
            if (server instanceof AbstractProtocolAsyncServer) {
                ProtocolHandlerChain handlers = (ProtocolHandlerChain) chain.invoke(server);
                if (handlers != null && handlers.getHandlers(Object.class).contains(handler)) {
                    return Optional.of(server);
                }
            }
        }
        return Optional.empty();
    }
}
