package io.github.jamesp0f.smtp;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.apache.james.protocols.netty.HandlerConstants;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.concurrent.EventExecutor;

/**
 * A pass-through just before James's core handler, on the core handler's own executor (James
 * 3.8.2 and later run it on a worker executor, 3.8.1 on the event loop). It serves the command
 * hold twice: it says when James has handled the PROXY header (after James, so that the session
 * already carries the client's address), and held lines are handed back through it, to James's
 * core handler, in order and on its thread, as if they had just been read.
 */
final class CoreInlet extends ChannelInboundHandlerAdapter {

    static final String NAME = "io.github.jamesp0f.commandHold";

    private final Runnable afterProxyHeader;
    private final EventExecutor executor;
    /** Set by Netty on {@link #executor}, before any message or task of ours runs there. */
    private volatile ChannelHandlerContext context;

    private CoreInlet(Runnable afterProxyHeader, EventExecutor executor) {
        this.afterProxyHeader = afterProxyHeader;
        this.executor = executor;
    }

    /** The executor of James's core handler on {@code channel}; empty when it has none (closed, or not James's). */
    static Optional<EventExecutor> coreExecutor(Channel channel) {
        return Optional.ofNullable(channel.pipeline().context(HandlerConstants.CORE_HANDLER)).map(ChannelHandlerContext::executor);
    }

    /**
     * Installs an inlet on {@code channel}; empty when the pipeline has no core handler (not one of
     * James's protocol pipelines). Call it from the core handler's executor (in a connect handler,
     * or in a line handler James calls): every message the core handler reads afterwards passes
     * the inlet first.
     */
    static Optional<CoreInlet> install(Channel channel, Runnable afterProxyHeader) {
        ChannelHandlerContext core = channel.pipeline().context(HandlerConstants.CORE_HANDLER);
        if (core == null) {
            return Optional.empty();
        }
        EventExecutor executor = core.executor();
        CoreInlet inlet = new CoreInlet(afterProxyHeader, executor);
        try {
            channel.pipeline().addBefore(executor == channel.eventLoop() ? null : executor,
                HandlerConstants.CORE_HANDLER, NAME, inlet);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            // The channel closed meanwhile (its pipeline emptied), or an inlet is already there.
            return Optional.empty();
        }
        return Optional.of(inlet);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean proxyHeader = msg instanceof HAProxyMessage;
        // Same executor as the core handler: James handles the message before this call returns.
        ctx.fireChannelRead(msg);
        if (proxyHeader) {
            afterProxyHeader.run();
        }
    }

    /** The core handler's executor: where {@link #replay} must run. */
    EventExecutor executor() {
        return executor;
    }

    /** Hands {@code lines} to James's core handler, in order. Call it on {@link #executor()}. */
    void replay(List<byte[]> lines) {
        for (byte[] line : lines) {
            context.fireChannelRead(Unpooled.wrappedBuffer(line));
        }
    }

    /** Leaves the pipeline: later messages go straight to James. */
    void remove() {
        try {
            context.pipeline().remove(this);
        } catch (NoSuchElementException e) {
            // Already gone with the closed channel.
        }
    }
}
