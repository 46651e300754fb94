package io.github.jamesp0f.syn;

import java.net.InetAddress;

/** One SYN of the oracle suite: what it is, the address it comes from (its own), its bytes. */
final class OracleSyn {

    /** Where it comes from: a database's sig line, a random draw, a unit test's rule, this machine's kernel. */
    enum Kind { SIGNATURE, RANDOM, RULE, KERNEL }

    private final Kind kind;
    private final String what;
    private final InetAddress source;
    private final byte[] packet;

    OracleSyn(Kind kind, String what, InetAddress source, byte[] packet) {
        this.kind = kind;
        this.what = what;
        this.source = source;
        this.packet = packet;
    }

    Kind kind() {
        return kind;
    }

    String what() {
        return what;
    }

    InetAddress source() {
        return source;
    }

    byte[] packet() {
        return packet;
    }

    @Override
    public String toString() {
        return what + " from " + source.getHostAddress();
    }
}
