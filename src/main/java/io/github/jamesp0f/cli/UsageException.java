package io.github.jamesp0f.cli;

/** A wrong command line: the message names the argument and what was wrong with it. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
