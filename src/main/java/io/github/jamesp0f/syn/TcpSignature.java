package io.github.jamesp0f.syn;

/**
 * One {@code sig} line of p0f.fp's {@code [tcp:request]} section,
 * {@code ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass}, with the label it belongs to.
 * Read by {@link TcpSignatureParser}; compared with a SYN by {@link SynMatcher}.
 */
public final class TcpSignature {

    /** A wildcard ({@code *}) in a numeric field. */
    static final int ANY = -1;

    /** How the window is written: {@code *}, a constant, {@code %N}, {@code mss*N} or {@code mtu*N}. */
    enum WindowKind { ANY, CONSTANT, MODULO, MSS_MULTIPLE, MTU_MULTIPLE }

    final SignatureLabel label;
    final String text;
    final int line;
    final int ipVersion;
    final int ttl;
    /** The {@code -} suffix: a tool that randomises its TTL; the TTL is a maximum and gives no distance. */
    final boolean randomTtl;
    final int ipOptionsLength;
    final int mss;
    final WindowKind windowKind;
    final int windowValue;
    final int windowScale;
    final OptionLayout layout;
    final int quirks;
    /** 0 without data, 1 with, {@link #ANY}. */
    final int payload;

    TcpSignature(SignatureLabel label, String text, int line, int ipVersion, int ttl, boolean randomTtl,
                 int ipOptionsLength, int mss, WindowKind windowKind, int windowValue, int windowScale,
                 OptionLayout layout, int quirks, int payload) {
        this.label = label;
        this.text = text;
        this.line = line;
        this.ipVersion = ipVersion;
        this.ttl = ttl;
        this.randomTtl = randomTtl;
        this.ipOptionsLength = ipOptionsLength;
        this.mss = mss;
        this.windowKind = windowKind;
        this.windowValue = windowValue;
        this.windowScale = windowScale;
        this.layout = layout;
        this.quirks = quirks;
        this.payload = payload;
    }

    public SignatureLabel label() {
        return label;
    }

    /** The line of the database file it was read from. */
    public int line() {
        return line;
    }

    /** Whether the TTL is written with {@code -}: such a signature never tells a distance. */
    public boolean hasRandomTtl() {
        return randomTtl;
    }

    /** The signature as written after {@code sig = }. */
    @Override
    public String toString() {
        return text;
    }
}
