package io.github.jamesp0f.testing.james;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.netty.AbstractAsyncServer;
import org.apache.james.protocols.netty.NettyServer;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.junit.jupiter.api.Assumptions;

import io.github.jamesp0f.testing.FreePorts;

/**
 * James's own SMTP protocol stack (protocols-netty's NettyServer: the same core handler, pipeline
 * and, from 3.8.2 on, worker executor as James's SMTP servers of the line under test), without the
 * rest of a James server: for unit tests that need James's threads and line handling but control
 * what p0f answers and when. The handlers given run before James's own, as in a handlerchain.
 */
public final class SmtpProtocolStack implements AutoCloseable {

    private final NettyServer server;
    private final InetAddress address;
    private final int port;

    private SmtpProtocolStack(NettyServer server, InetAddress address, int port) {
        this.server = server;
        this.address = address;
        this.port = port;
    }

    public static SmtpProtocolStack start(boolean proxyRequired, ProtocolHandler... handlers) throws Exception {
        return start(proxyRequired, InetAddress.getLoopbackAddress(), false, handlers);
    }

    /**
     * A stack listening on {@code address}; with {@code epoll}, on Netty's epoll transport, as James
     * 3.9's {@code <useEpoll>true</useEpoll>} does (skips the test on a line without it).
     */
    public static SmtpProtocolStack start(boolean proxyRequired, InetAddress address, boolean epoll,
                                          ProtocolHandler... handlers) throws Exception {
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new RecordingMetricFactory());
        chain.addAll(0, Arrays.asList(handlers));
        chain.wireExtensibleHandlers();
        NettyServer server = new NettyServer.Factory()
            .protocol(new SMTPProtocol(chain, new SMTPConfigurationImpl()))
            .proxyRequired(proxyRequired)
            .build();
        if (epoll) {
            useEpoll(server);
        }
        int port = FreePorts.next();
        server.setListenAddresses(new InetSocketAddress(address, port));
        server.bind();
        return new SmtpProtocolStack(server, address, port);
    }

    /** James 3.9's AbstractAsyncServer.setUseEpoll, called by name: the 3.8 line has no such method. */
    private static void useEpoll(NettyServer server) throws Exception {
        Method setUseEpoll = Arrays.stream(AbstractAsyncServer.class.getMethods())
            .filter(method -> method.getName().equals("setUseEpoll")).findFirst().orElse(null);
        Assumptions.assumeTrue(setUseEpoll != null,
            "James " + JamesTestServer.jamesLine() + " has no epoll transport (<useEpoll> came with 3.9)");
        setUseEpoll.invoke(server, true);
    }

    public int port() {
        return port;
    }

    /** A raw client from {@code source} (a loopback address, or this machine's on the stack's link). */
    public RawSmtpClient connect(String source) {
        return RawSmtpClient.connect(source, address, port);
    }

    @Override
    public void close() {
        server.unbind();
    }
}
