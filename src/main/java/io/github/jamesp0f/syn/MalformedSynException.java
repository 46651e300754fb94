package io.github.jamesp0f.syn;

/**
 * The bytes are not a SYN p0f would fingerprint: truncated, not IPv4 or IPv6, not TCP, a fragment,
 * or a segment other than a client's first SYN. The message says which, and at which byte.
 */
public final class MalformedSynException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedSynException(String message) {
        super(message);
    }
}
