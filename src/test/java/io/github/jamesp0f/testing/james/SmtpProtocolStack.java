package io.github.jamesp0f.testing.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.netty.NettyServer;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;

/**
 * James's own SMTP protocol stack (protocols-netty's NettyServer: the same core handler, pipeline
 * and, from 3.8.2 on, worker executor as James's SMTP servers of the line under test), without the
 * rest of a James server: for unit tests that need James's threads and line handling but control
 * what p0f answers and when. The handlers given run before James's own, as in a handlerchain.
 */
public final class SmtpProtocolStack implements AutoCloseable {

    private final NettyServer server;
    private final int port;

    private SmtpProtocolStack(NettyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static SmtpProtocolStack start(boolean proxyRequired, ProtocolHandler... handlers) throws Exception {
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new RecordingMetricFactory());
        chain.addAll(0, Arrays.asList(handlers));
        chain.wireExtensibleHandlers();
        NettyServer server = new NettyServer.Factory()
            .protocol(new SMTPProtocol(chain, new SMTPConfigurationImpl()))
            .proxyRequired(proxyRequired)
            .build();
        int port = JamesTestServer.freePort();
        server.setListenAddresses(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server.bind();
        return new SmtpProtocolStack(server, port);
    }

    public int port() {
        return port;
    }

    /** A raw client from {@code source} (a loopback address). */
    public RawSmtpClient connect(String source) {
        return RawSmtpClient.connect(source, InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public void close() {
        server.unbind();
    }
}
