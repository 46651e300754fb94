package io.github.jamesp0f.cli;

/** p0f could not be asked or did not answer properly; the message is one plain line. */
final class P0fUnavailableException extends Exception {

    P0fUnavailableException(String message) {
        super(message);
    }
}
