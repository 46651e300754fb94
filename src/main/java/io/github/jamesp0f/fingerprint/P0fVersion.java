package io.github.jamesp0f.fingerprint;

import java.util.Optional;

/**
 * Which p0f API the client speaks. The one place that knows the versions there are: everything
 * else takes a {@code P0fVersion}, never a number to check again.
 */
public enum P0fVersion {
    /** p0f 2.0.x, {@code p0f -Q SOCKET}: IPv4 only, asked about whole connections, one client at a time. */
    V2(2, "-Q"),
    /** p0f 3.x, {@code p0f -s SOCKET}: asked about a remote address, queries pipelined. */
    V3(3, "-s");

    private final int number;
    private final String socketOption;

    P0fVersion(int number, String socketOption) {
        this.number = number;
        this.socketOption = socketOption;
    }

    /** 2 or 3, as administrators write it. */
    public int number() {
        return number;
    }

    /** p0f's command-line option that opens this API's socket. */
    public String socketOption() {
        return socketOption;
    }

    /** @throws IllegalArgumentException naming the versions there are */
    public static P0fVersion of(int number) {
        return find(number).orElseThrow(() -> new IllegalArgumentException(notAVersion(String.valueOf(number))));
    }

    /** {@code "3"} or {@code "2"}, blanks around allowed. @throws IllegalArgumentException otherwise */
    public static P0fVersion parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        for (P0fVersion v : values()) {
            if (trimmed.equals(String.valueOf(v.number))) {
                return v;
            }
        }
        throw new IllegalArgumentException(notAVersion("\"" + text + "\""));
    }

    public static Optional<P0fVersion> find(int number) {
        for (P0fVersion v : values()) {
            if (v.number == number) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static String notAVersion(String what) {
        return "must be 3 (p0f 3.x, p0f -s) or 2 (p0f 2.0.x, p0f -Q), not " + what;
    }

    @Override
    public String toString() {
        return "v" + number;
    }
}
