package io.github.jamesp0f.smtp;

import java.nio.ByteBuffer;
import java.util.Optional;

import io.netty.channel.Channel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;

/**
 * Linux's saved SYN, through the socket options of Netty's epoll transport; the one class that
 * names them, used only for channels of that transport (James 3.9's {@code <useEpoll>true</useEpoll>}).
 * {@code TCP_SAVE_SYN} (27) on a listening socket makes the kernel (4.2 or newer) keep the SYN of
 * every connection it accepts from then on; {@code TCP_SAVED_SYN} (28), read on the accepted
 * socket, gives that SYN's IP and TCP headers once, and frees them.
 */
final class SavedSynOption {

    private static final int IPPROTO_TCP = 6;
    private static final IntegerUnixChannelOption TCP_SAVE_SYN =
        new IntegerUnixChannelOption("TCP_SAVE_SYN", IPPROTO_TCP, 27);
    /** IPv4 and TCP headers take at most 120 bytes; the rest is room for IPv6 extension headers. */
    private static final int READ_SIZE = 512;
    private static final RawUnixChannelOption TCP_SAVED_SYN =
        new RawUnixChannelOption("TCP_SAVED_SYN", IPPROTO_TCP, 28, READ_SIZE);
    private static final int IPV6_HEADER = 40;

    private SavedSynOption() {
    }

    /**
     * Asks the kernel to keep the SYNs of {@code listening}'s future connections.
     *
     * @throws io.netty.channel.ChannelException when the kernel refuses (before Linux 4.2)
     */
    static void keepSyns(Channel listening) {
        if (!listening.config().setOption(TCP_SAVE_SYN, 1)) {
            throw new IllegalStateException(listening.getClass().getSimpleName() + " does not take Linux socket options");
        }
    }

    /**
     * The SYN the kernel kept for {@code connection}, IP header first, its limit at the end of the
     * TCP header; empty when none was kept (the connection came before {@link #keepSyns}) or it was
     * read already.
     *
     * @throws io.netty.channel.ChannelException when the kernel refuses the read (a closed socket)
     */
    static Optional<ByteBuffer> read(Channel connection) {
        ByteBuffer syn = connection.config().getOption(TCP_SAVED_SYN);
        // Netty hands back the whole buffer it asked the kernel to fill, zeros after the SYN: the
        // headers' own lengths say where it ends (none kept: nothing was written, version 0).
        int version = (syn.get(0) & 0xFF) >>> 4;
        int ipHeader = version == 4 ? (syn.get(0) & 0x0F) * 4 : version == 6 ? IPV6_HEADER : 0;
        if (ipHeader == 0 || ipHeader + 13 > syn.limit()) {
            return Optional.empty();
        }
        int length = ipHeader + ((syn.get(ipHeader + 12) & 0xFF) >>> 4) * 4;
        syn.limit(Math.min(length, syn.limit()));
        return Optional.of(syn);
    }
}
