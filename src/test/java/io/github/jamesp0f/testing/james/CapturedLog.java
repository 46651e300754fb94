package io.github.jamesp0f.testing.james;

import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * What one logger of a James running in this JVM says (the extension's classes log through the same
 * logback as the test, whichever class loader loaded them), kept until {@link #close()}.
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLog(Logger logger) {
        this.logger = logger;
        this.level = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    /** Starts keeping what {@code loggerName} says at INFO and above, e.g. "io.github.jamesp0f.smtp.KernelSource". */
    public static CapturedLog of(String loggerName) {
        return new CapturedLog((Logger) LoggerFactory.getLogger(loggerName));
    }

    /** Each event so far as "LEVEL message", arguments filled in. */
    public List<String> lines() {
        synchronized (appender) {
            return appender.list.stream()
                .map(event -> event.getLevel() + " " + event.getFormattedMessage())
                .collect(Collectors.toList());
        }
    }

    @Override
    public void close() {
        logger.setLevel(level);
        logger.detachAppender(appender);
        appender.stop();
    }
}
