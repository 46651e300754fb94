package io.github.jamesp0f.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;

/**
 * Keeps a client's commands from James's hooks, without holding a thread, until the work the hooks
 * will need is done (the p0f lookup; for a client about to be greylisted, its reverse DNS too), so
 * that they find their answers ready and never wait.
 *
 * <p>Two means, together. The input is paused (Netty's autoRead off), which bounds what is read
 * meanwhile. And since a pause cannot take back what Netty has already read (a client that talked
 * before the banner, commands in the same segment as a PROXY header), a line handler pushed at
 * connect holds every line James hands it. When the work is done it is popped, on James's core
 * handler's executor, and the held lines go back to that core handler in order, through a
 * {@link CoreInlet} (put in the pipeline at the first held line), as if just read: a DATA among
 * them pushes James's data handler for the lines after it, as it would have. Then the input
 * resumes.
 *
 * <p>Behind the PROXY protocol the work cannot start before James has read the header (the
 * lookup is for the address it carries): the lines are held from connect, the input is paused only
 * once the header is in, and the handler's callback starts the work then.
 *
 * <p>Every pause is bounded by its work: the p0f lookup completes within its timeout, the reverse
 * DNS within its own. Where James's channel cannot be reached ({@link NettyChannels}), only the
 * input pause remains, and connections behind a proxy are not held (nor looked up).
 */
public final class CommandHold {

    private static final AttachmentKey<Hold> KEY = AttachmentKey.of("io.github.jamesp0f.commandhold", Hold.class);

    private CommandHold() {
    }

    /**
     * Holds {@code session}'s commands until {@code work}, and every other work held for on the
     * session, has completed. Does nothing when {@code work} is already complete (a cache hit), or
     * for a session that is not one of James's network sessions. Call it from a connect handler.
     */
    public static void until(SMTPSession session, CompletableFuture<?> work) {
        if (work.isDone() || !(session instanceof ProtocolSessionImpl)) {
            return;
        }
        Hold hold = session.getAttachment(KEY, State.Connection).orElseGet(() -> Hold.start(session, null));
        hold.add(work);
    }

    /**
     * For a session whose transport requires the PROXY header: holds its commands from now until
     * James has read the header and {@code afterHeader} has run (which starts the work, and holds
     * for it with {@link #until}). False, and nothing held, when James's channel cannot be reached:
     * the caller must then not look the session up. Call it from a connect handler.
     */
    static boolean afterProxyHeader(SMTPSession session, Runnable afterHeader) {
        if (!(session instanceof ProtocolSessionImpl) || NettyChannels.of(session).isEmpty()) {
            return false;
        }
        return Hold.start(session, afterHeader).holdsLines();
    }

    /** True when James's transport reads a PROXY header before the client's first command. */
    static boolean proxyRequired(SMTPSession session) {
        return session instanceof ProtocolSessionImpl
            && ((ProtocolSessionImpl) session).getProtocolTransport().isProxyRequired();
    }

    /**
     * One session's hold. Its state changes under its lock, from James's threads (lines, the
     * header) and from whichever thread completes a work; the replay runs on the core handler's
     * executor, FIFO with the lines James reads.
     */
    private static final class Hold {
        private final SMTPSession session;
        private final ProtocolTransport transport;
        private final Optional<Channel> channel;
        private final Optional<EventExecutor> coreExecutor;
        /** Installed only when needed: to see the PROXY header, or to replay held lines. */
        private CoreInlet inlet;
        private Runnable afterHeader;
        private boolean headerSeen;
        private int pending;
        private boolean readsPaused;
        private boolean holdingLines;
        private boolean releaseQueued;
        private final List<byte[]> lines = new ArrayList<>();

        private Hold(SMTPSession session, Runnable afterHeader) {
            this.session = session;
            this.transport = ((ProtocolSessionImpl) session).getProtocolTransport();
            this.channel = NettyChannels.of(session);
            this.coreExecutor = channel.flatMap(CoreInlet::coreExecutor);
            this.afterHeader = afterHeader;
        }

        /** A hold on {@code session}, its line handler pushed; {@code afterHeader} null when no header is awaited. */
        static Hold start(SMTPSession session, Runnable afterHeader) {
            Hold hold = new Hold(session, afterHeader);
            session.setAttachment(KEY, hold, State.Connection);
            synchronized (hold) {
                if (afterHeader != null) {
                    hold.inlet = hold.channel.flatMap(channel -> CoreInlet.install(channel, hold::headerHandled)).orElse(null);
                }
                hold.holdingLines = hold.coreExecutor.isPresent() && (afterHeader == null || hold.inlet != null);
                if (hold.holdingLines) {
                    session.pushLineHandler(new HeldLines(hold));
                } else {
                    hold.afterHeader = null;
                }
            }
            return hold;
        }

        synchronized boolean holdsLines() {
            return holdingLines;
        }

        synchronized void add(CompletableFuture<?> work) {
            pending++;
            pauseOrResume();
            work.whenComplete((result, error) -> done());
        }

        private synchronized void done() {
            pending--;
            pauseOrResume();
        }

        /** A line James read: kept for the replay. It comes after the header, so the header was handled. */
        void held(byte[] line) {
            boolean headerMissed;
            synchronized (this) {
                lines.add(line);
                headerMissed = afterHeader != null;
                if (inlet == null) {
                    // On the core handler's executor, inside its read: the next messages pass the inlet.
                    inlet = CoreInlet.install(channel.get(), this::headerHandled).orElse(null);
                }
            }
            if (headerMissed) {
                // The header reached James before the inlet was in the pipeline (James 3.8.1 runs
                // its framer and core handler on different threads): start the work now.
                headerHandled();
            }
        }

        /**
         * James has handled the PROXY header: the session now carries the client's address. The
         * callback runs outside the lock (it asks the p0f client, whose threads complete works);
         * the input stays unpaused until it has registered them.
         */
        void headerHandled() {
            Runnable start;
            synchronized (this) {
                start = afterHeader;
                if (start == null || headerSeen) {
                    return;
                }
                headerSeen = true;
            }
            try {
                start.run();
            } finally {
                synchronized (this) {
                    afterHeader = null;
                    pauseOrResume();
                }
            }
        }

        /**
         * Pauses the input while a work is pending and no header is awaited; once nothing is
         * pending, resumes it, after the held lines have been replayed when there are any.
         */
        private void pauseOrResume() {
            boolean waiting = afterHeader != null || pending > 0;
            if (waiting) {
                if (afterHeader == null && !readsPaused) {
                    readsPaused = true;
                    transport.setReadable(false);
                }
                return;
            }
            if (holdingLines) {
                if (!releaseQueued) {
                    releaseQueued = true;
                    coreExecutor.get().execute(this::release);
                }
                return;
            }
            resumeReads();
        }

        private void resumeReads() {
            if (readsPaused) {
                readsPaused = false;
                transport.setReadable(true);
            }
        }

        /**
         * On the core handler's executor, so that no line reaches James meanwhile: pops the line
         * handler, replays what it held, resumes the input.
         */
        private void release() {
            List<byte[]> replayed;
            CoreInlet through;
            synchronized (this) {
                releaseQueued = false;
                if (afterHeader != null || pending > 0) {
                    return;
                }
                holdingLines = false;
                replayed = new ArrayList<>(lines);
                lines.clear();
                through = inlet;
            }
            if (channel.get().isActive()) {
                // Only on a live channel: James's popLineHandler finds no core handler in a closed one.
                session.popLineHandler();
                if (through != null) {
                    through.replay(replayed);
                }
            }
            if (through != null) {
                through.remove();
            }
            synchronized (this) {
                resumeReads();
            }
        }
    }

    /** Pushed at connect: James hands it every line, after the PROXY header; it holds them all. */
    private static final class HeldLines implements LineHandler<SMTPSession> {
        private final Hold hold;

        private HeldLines(Hold hold) {
            this.hold = hold;
        }

        @Override
        public Response onLine(SMTPSession session, byte[] line) {
            hold.held(line);
            return null;
        }
    }
}
