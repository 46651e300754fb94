package io.github.jamesp0f.syn;

import io.github.jamesp0f.syn.TcpSignature.WindowKind;

/**
 * Reads a {@code [tcp:request]} {@code sig} line's text,
 * {@code ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass}, with p0f 3.09b's limits (those it
 * refuses a database for). Numbers are decimal digits only: a few forms p0f lets through by
 * accident ({@code 64+}, {@code eol+}, {@code ?}, a trailing comma) are refused here.
 */
final class TcpSignatureParser {

    private static final int MAX_MULTIPLE = 1000;

    private TcpSignatureParser() {
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    static TcpSignature parse(String text, SignatureLabel label, int line) {
        String[] fields = text.split(":", -1);
        if (fields.length != 8) {
            throw new IllegalArgumentException("a sig has 8 fields, ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass;"
                + " this one has " + fields.length);
        }
        int ipVersion = ipVersion(fields[0]);
        boolean randomTtl = fields[1].endsWith("-");
        int ttl = number(randomTtl ? fields[1].substring(0, fields[1].length() - 1) : fields[1], 1, 255,
            "initial TTL (ittl)");
        int ipOptionsLength = number(fields[2], 0, 255, "IP options length (olen)");
        int mss = fields[3].equals("*") ? TcpSignature.ANY : number(fields[3], 0, 65535, "MSS");
        String[] window = fields[4].split(",", -1);
        if (window.length != 2) {
            throw new IllegalArgumentException("the window field is wsize,scale, not '" + fields[4] + "'");
        }
        WindowKind windowKind = windowKind(window[0]);
        int windowValue = windowValue(window[0], windowKind);
        int scale = window[1].equals("*") ? TcpSignature.ANY : number(window[1], 0, 255, "window scale");
        OptionLayout layout;
        try {
            layout = OptionLayout.parse(fields[5]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the option layout '" + fields[5] + "' " + e.getMessage(), e);
        }
        int quirks = quirks(fields[6], ipVersion);
        int payload = payload(fields[7]);
        return new TcpSignature(label, text, line, ipVersion, ttl, randomTtl, ipOptionsLength, mss, windowKind,
            windowValue, scale, layout, quirks, payload);
    }

    private static int ipVersion(String field) {
        switch (field) {
            case "4":
                return 4;
            case "6":
                return 6;
            case "*":
                return TcpSignature.ANY;
            default:
                throw new IllegalArgumentException("the IP version must be 4, 6 or *, not '" + field + "'");
        }
    }

    private static WindowKind windowKind(String field) {
        if (field.equals("*")) {
            return WindowKind.ANY;
        } else if (field.startsWith("%")) {
            return WindowKind.MODULO;
        } else if (field.startsWith("mss*")) {
            return WindowKind.MSS_MULTIPLE;
        } else if (field.startsWith("mtu*")) {
            return WindowKind.MTU_MULTIPLE;
        }
        return WindowKind.CONSTANT;
    }

    private static int windowValue(String field, WindowKind kind) {
        switch (kind) {
            case ANY:
                return TcpSignature.ANY;
            case MODULO:
                return number(field.substring(1), 2, 65535, "window divisor in '" + field + "'");
            case MSS_MULTIPLE:
            case MTU_MULTIPLE:
                return number(field.substring(4), 1, MAX_MULTIPLE, "window multiplier in '" + field + "'");
            default:
                return number(field, 0, 65535, "window size");
        }
    }

    private static int quirks(String field, int ipVersion) {
        if (field.isEmpty()) {
            return 0;
        }
        int quirks = 0;
        for (String text : field.split(",", -1)) {
            Quirk quirk = Quirk.byText(text);
            if (quirk == null) {
                throw new IllegalArgumentException("unknown quirk '" + text + "' in '" + field + "'");
            }
            if (ipVersion != TcpSignature.ANY && quirk.ipVersion() != 0 && quirk.ipVersion() != ipVersion) {
                throw new IllegalArgumentException("quirk '" + text + "' is for IPv" + quirk.ipVersion()
                    + " only, in a signature for IPv" + ipVersion);
            }
            quirks |= quirk.bit();
        }
        return quirks;
    }

    private static int payload(String field) {
        switch (field) {
            case "0":
                return 0;
            case "+":
                return 1;
            case "*":
                return TcpSignature.ANY;
            default:
                throw new IllegalArgumentException("the payload class must be 0, + or *, not '" + field + "'");
        }
    }

    /** A decimal number within bounds. */
    static int number(String text, int min, int max, String what) {
        if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the " + what + " must be a number from " + min + " to " + max
                + ", not '" + text + "'");
        }
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException("the " + what + " must be a number from " + min + " to " + max
                + ", not " + value);
        }
        return value;
    }
}
