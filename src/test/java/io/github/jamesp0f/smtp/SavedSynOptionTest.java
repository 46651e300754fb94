package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.syn.SynParser;
import io.github.jamesp0f.syn.SynSignature;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;

/**
 * TCP_SAVE_SYN and TCP_SAVED_SYN through Netty's epoll transport (the one on James's class path),
 * with this machine's kernel over loopback: the SYN of each connection accepted after the option is
 * set, read once, its length taken from its headers; none before, none twice.
 */
class SavedSynOptionTest {

    EventLoopGroup group;
    Channel listening;
    CompletableFuture<Channel> accepted = new CompletableFuture<>();

    @BeforeEach
    void epoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "needs Netty's epoll transport (Linux): " + Epoll.unavailabilityCause());
        group = new EpollEventLoopGroup(1);
    }

    void listen(String address) throws Exception {
        listening = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
            .childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext context) {
                    accepted.complete(context.channel());
                }
            })
            .bind(new InetSocketAddress(InetAddress.getByName(address), 0)).sync().channel();
    }

    @AfterEach
    void close() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theSynOfAConnectionAcceptedAfterTheOptionIsReadOnce() throws Exception {
        listen("127.0.0.1");
        SavedSynOption.keepSyns(listening);
        try (Socket client = connect()) {
            Channel connection = accepted.get(5, TimeUnit.SECONDS);

            ByteBuffer syn = SavedSynOption.read(connection).orElseThrow();
            SynSignature signature = SynParser.parse(syn);
            assertThat(syn.remaining()).as("IPv4 20 + TCP 40 bytes").isEqualTo(60);
            assertThat(signature.ipVersion()).isEqualTo(4);
            assertThat(signature.mss()).as("loopback's MTU 65536").isEqualTo(65495);
            assertThat(SavedSynOption.read(connection)).as("read a second time").isEmpty();
        }
    }

    @Test
    void overIpv6TheLengthComesFromItsHeaderToo() throws Exception {
        listen("::1");
        SavedSynOption.keepSyns(listening);
        try (Socket client = connect()) {
            ByteBuffer syn = SavedSynOption.read(accepted.get(5, TimeUnit.SECONDS)).orElseThrow();

            assertThat(syn.remaining()).as("IPv6 40 + TCP 40 bytes").isEqualTo(80);
            assertThat(SynParser.parse(syn).ipVersion()).isEqualTo(6);
        }
    }

    @Test
    void aConnectionAcceptedBeforeTheOptionHasNoSyn() throws Exception {
        listen("127.0.0.1");
        try (Socket client = connect()) {
            assertThat(SavedSynOption.read(accepted.get(5, TimeUnit.SECONDS))).isEqualTo(Optional.empty());
        }
    }

    private Socket connect() throws Exception {
        Socket client = new Socket();
        client.connect(listening.localAddress(), 5000);
        return client;
    }
}
