package io.github.jamesp0f.syn;

/**
 * A p0f.fp line this matcher cannot use, named by file and line: {@code /etc/p0f/p0f.fp:97: the
 * window scale must be a number from 0 to 255, not 300 in 'sig = ...'}.
 */
public final class P0fDatabaseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    P0fDatabaseException(String source, int line, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + problem);
        this.source = source;
        this.line = line;
    }

    /** The file (or other source) read. */
    public String source() {
        return source;
    }

    /** The line, from 1; 0 for a problem of the whole file. */
    public int line() {
        return line;
    }
}
