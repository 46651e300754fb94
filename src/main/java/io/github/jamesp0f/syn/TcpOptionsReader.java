package io.github.jamesp0f.syn;

import java.nio.ByteBuffer;

/**
 * Walks a SYN's TCP options the way p0f 3.09b does, as its logs show for crafted options:
 * <ul>
 * <li>every option met goes into the layout, even one found malformed;</li>
 * <li>mss (4 bytes), ws (3), sok (2) and ts (10) are read at their fixed size whatever their length
 * byte says; a length byte that disagrees adds {@code bad}, and the walk goes on after the fixed
 * size; one that does not fit in what is left adds {@code bad} and ends the walk;</li>
 * <li>sack and unknown options are skipped by their length byte; a length below 2, or past the
 * end, adds {@code bad} and ends the walk;</li>
 * <li>eol ends the walk: the bytes after it are its padding, and a non-zero byte among them adds
 * {@code opt+}, except in the very last byte of the options, which p0f does not look at;</li>
 * <li>a 25th option adds {@code bad} and ends the walk ({@value OptionLayout#MAX_OPTIONS} are kept).</li>
 * </ul>
 */
final class TcpOptionsReader {

    private static final int MAX_WINDOW_SCALE = 14;

    private TcpOptionsReader() {
    }

    /** Reads the options in {@code [from, to)} into {@code syn}: layout, mss, window scale, quirks. */
    static void read(ByteBuffer packet, int from, int to, SynSignature syn) {
        int quirks = syn.quirks;
        int count = 0;
        int at = from;
        while (at < to) {
            if (count == OptionLayout.MAX_OPTIONS) {
                quirks |= Quirk.BAD_OPTIONS.bit();
                break;
            }
            int kind = packet.get(at) & 0xFF;
            record(syn, count++, kind);
            if (kind == OptionLayout.EOL) {
                syn.eolPadding = to - at - 1;
                if (nonZero(packet, at + 1, to - 1)) {
                    quirks |= Quirk.OPT_AFTER_EOL.bit();
                }
                break;
            }
            if (kind == OptionLayout.NOP) {
                at++;
                continue;
            }
            int size = fixedSize(kind);
            if (size == 0) {
                int length = at + 1 < to ? packet.get(at + 1) & 0xFF : 0;
                if (length < 2 || at + length > to) {
                    quirks |= Quirk.BAD_OPTIONS.bit();
                    break;
                }
                at += length;
                continue;
            }
            if (at + size > to) {
                quirks |= Quirk.BAD_OPTIONS.bit();
                break;
            }
            if ((packet.get(at + 1) & 0xFF) != size) {
                quirks |= Quirk.BAD_OPTIONS.bit();
            }
            quirks |= readValue(packet, at, kind, syn);
            at += size;
        }
        syn.optionCount = count;
        syn.quirks = quirks;
    }

    /** The size p0f reads mss, ws, sok and ts at; 0 for options it skips by their length byte. */
    private static int fixedSize(int kind) {
        switch (kind) {
            case OptionLayout.MSS:
                return 4;
            case OptionLayout.WS:
                return 3;
            case OptionLayout.SOK:
                return 2;
            case OptionLayout.TS:
                return 10;
            default:
                return 0;
        }
    }

    /** Stores what a fixed-size option says; returns the quirks it adds. */
    private static int readValue(ByteBuffer packet, int at, int kind, SynSignature syn) {
        if (kind == OptionLayout.MSS) {
            syn.mss = SynParser.u16(packet, at + 2);
        } else if (kind == OptionLayout.WS) {
            syn.windowScale = packet.get(at + 2) & 0xFF;
            return syn.windowScale > MAX_WINDOW_SCALE ? Quirk.EXCESSIVE_WSCALE.bit() : 0;
        } else if (kind == OptionLayout.TS) {
            syn.hasOwnTimestamp = nonZero(packet, at + 2, at + 6);
            int quirks = syn.hasOwnTimestamp ? 0 : Quirk.ZERO_TS1.bit();
            return quirks | (nonZero(packet, at + 6, at + 10) ? Quirk.NONZERO_TS2.bit() : 0);
        }
        return 0;
    }

    private static void record(SynSignature syn, int index, int kind) {
        if (index < 8) {
            syn.layout0 = OptionLayout.withKind(syn.layout0, index, kind);
        } else if (index < 16) {
            syn.layout1 = OptionLayout.withKind(syn.layout1, index, kind);
        } else {
            syn.layout2 = OptionLayout.withKind(syn.layout2, index, kind);
        }
    }

    private static boolean nonZero(ByteBuffer packet, int from, int to) {
        for (int i = from; i < to; i++) {
            if (packet.get(i) != 0) {
                return true;
            }
        }
        return false;
    }
}
