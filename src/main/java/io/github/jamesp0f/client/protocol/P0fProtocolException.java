package io.github.jamesp0f.client.protocol;

/**
 * Bytes that are not a p0f answer: wrong length, wrong magic, unknown status, wrong query id.
 * The message says what was wrong and what was expected; the stream it came from is out of step.
 */
public final class P0fProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public P0fProtocolException(String message) {
        super(message);
    }
}
