package io.github.jamesp0f.syn;

import java.util.Objects;

/**
 * The kinds and order of a SYN's TCP options, p0f's {@code olayout}: for example
 * {@code mss,sok,ts,nop,ws}, or {@code mss,nop,eol+3} where an end-of-options option is followed by
 * 3 bytes of padding. p0f records at most {@value #MAX_OPTIONS} options.
 *
 * <p>The option kinds are packed one byte each into three longs (the TCP option number: 0 eol,
 * 1 nop, 2 mss, 3 ws, 4 sok, 5 sack, 8 ts, any other as {@code ?n}), so that a parsed SYN carries
 * its layout in fields and compares with a signature's without allocating: see {@link #matches}.
 */
public final class OptionLayout {

    /** p0f keeps no more options than this; a SYN with more has the {@code bad} quirk. */
    public static final int MAX_OPTIONS = 24;

    static final int EOL = 0;
    static final int NOP = 1;
    static final int MSS = 2;
    static final int WS = 3;
    static final int SOK = 4;
    static final int SACK = 5;
    static final int TS = 8;

    private static final String[] NAMES = new String[256];

    static {
        NAMES[NOP] = "nop";
        NAMES[MSS] = "mss";
        NAMES[WS] = "ws";
        NAMES[SOK] = "sok";
        NAMES[SACK] = "sack";
        NAMES[TS] = "ts";
    }

    private final long word0;
    private final long word1;
    private final long word2;
    private final int count;
    private final int eolPadding;

    OptionLayout(long word0, long word1, long word2, int count, int eolPadding) {
        this.word0 = word0;
        this.word1 = word1;
        this.word2 = word2;
        this.count = count;
        this.eolPadding = eolPadding;
    }

    /**
     * Reads a layout as p0f.fp writes it; an empty text is a SYN without options.
     *
     * @throws IllegalArgumentException saying which option is wrong and why
     */
    public static OptionLayout parse(String text) {
        long[] words = new long[3];
        if (text.isEmpty()) {
            return new OptionLayout(0, 0, 0, 0, 0);
        }
        String[] names = text.split(",", -1);
        if (names.length > MAX_OPTIONS) {
            throw new IllegalArgumentException("has " + names.length + " options, p0f allows at most " + MAX_OPTIONS);
        }
        int eolPadding = 0;
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            int kind;
            if (name.startsWith("eol+")) {
                if (i != names.length - 1) {
                    throw new IllegalArgumentException("has " + name + " before other options: eol must be the last");
                }
                kind = EOL;
                eolPadding = TcpSignatureParser.number(name.substring(4), 0, 255, "eol padding");
            } else if (name.startsWith("?")) {
                kind = TcpSignatureParser.number(name.substring(1), 0, 255, "option number after ?");
            } else {
                kind = kindNamed(name);
            }
            words[i / 8] = withKind(words[i / 8], i, kind);
        }
        return new OptionLayout(words[0], words[1], words[2], names.length, eolPadding);
    }

    private static int kindNamed(String name) {
        for (int kind = 0; kind < NAMES.length; kind++) {
            if (name.equals(NAMES[kind])) {
                return kind;
            }
        }
        throw new IllegalArgumentException("has an unknown option '" + name
            + "' (known: eol+N, nop, mss, ws, sok, sack, ts, ?N)");
    }

    /** {@code word} with option number {@code index} (0 to 23, of the whole layout) set to {@code kind}. */
    static long withKind(long word, int index, int kind) {
        int shift = (index % 8) * 8;
        return (word & ~(0xFFL << shift)) | ((long) kind << shift);
    }

    static int kindAt(long word0, long word1, long word2, int index) {
        long word = index < 8 ? word0 : index < 16 ? word1 : word2;
        return (int) (word >>> ((index % 8) * 8)) & 0xFF;
    }

    /** Whether a SYN's packed layout is this one, padding after eol included. */
    boolean matches(long otherWord0, long otherWord1, long otherWord2, int otherCount, int otherEolPadding) {
        return word0 == otherWord0 && word1 == otherWord1 && word2 == otherWord2 && count == otherCount
            && eolPadding == otherEolPadding;
    }

    /** The layout as p0f writes it. */
    static String describe(long word0, long word1, long word2, int count, int eolPadding) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int kind = kindAt(word0, word1, word2, i);
            text.append(i == 0 ? "" : ",");
            if (kind == EOL) {
                text.append("eol+").append(eolPadding);
            } else if (NAMES[kind] != null) {
                text.append(NAMES[kind]);
            } else {
                text.append('?').append(kind);
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptionLayout)) {
            return false;
        }
        OptionLayout other = (OptionLayout) o;
        return matches(other.word0, other.word1, other.word2, other.count, other.eolPadding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(word0, word1, word2, count, eolPadding);
    }

    @Override
    public String toString() {
        return describe(word0, word1, word2, count, eolPadding);
    }
}
