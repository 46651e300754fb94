package io.github.jamesp0f.cli;

/** The tool's exit codes, as documented in the README and the usage text. */
final class ExitCode {

    /** The command did what was asked: a match, p0f answers, a complete benchmark. */
    static final int OK = 0;
    /** p0f answered, but knows nothing about the address. */
    static final int NO_MATCH = 1;
    /** The command line was wrong; nothing was asked. */
    static final int USAGE = 2;
    /** p0f is unavailable or failed (missing socket, refused, no answer, not p0f, failed lookups). */
    static final int P0F_FAILED = 3;
    /** A bug in this tool; the message says what broke. */
    static final int INTERNAL_ERROR = 4;

    private ExitCode() {
    }
}
