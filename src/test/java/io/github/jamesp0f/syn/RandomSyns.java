package io.github.jamesp0f.syn;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.github.jamesp0f.testing.SynLab;

/**
 * SYNs drawn at random (from a fixed seed, so that a run can be repeated) around the databases'
 * option layouts: TTLs anywhere, MSS values of many links, windows that are multiples of every size
 * p0f relates a window to (and of none), scales beyond 14, every quirk now and then, malformed
 * and unknown options. Most match no signature exactly: they try the fuzzy, generic and window
 * rules where the crafted ones do not.
 */
final class RandomSyns {

    private static final int[] MSS_VALUES = {1460, 1440, 1452, 1380, 1400, 536, 1360, 8960, 65495, 1331, 99, 100};
    private static final int[] TTLS = {32, 64, 128, 255, 60, 200};
    /** ACK numbers and urgent pointers with odd and even bytes here and there. */
    private static final int[] ODD_AND_EVEN = {7, 0x01000000, 0x02000000, 0xFF00FF00, 0x0100, 0x0002};
    private static final String[] EXTRA_LAYOUTS = {"mss,nop,?30", "mss,sack", "eol+3", "", "mss,ts,ts,ws,mss",
        "nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,mss"};

    private final Random random;
    private final List<String> layouts = new ArrayList<>();

    private RandomSyns(long seed, List<String> signatures) {
        this.random = new Random(seed);
        for (String signature : signatures) {
            layouts.add(signature.split(":", -1)[5]);
        }
        layouts.addAll(List.of(EXTRA_LAYOUTS));
    }

    /** {@code count} SYNs around the layouts of {@code signatures}, sources numbered from {@code firstSource}. */
    static List<OracleSyn> draw(long seed, int count, List<String> signatures, int firstSource) {
        RandomSyns draw = new RandomSyns(seed, signatures);
        List<OracleSyn> syns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int ipVersion = draw.random.nextInt(4) == 0 ? 6 : 4;
            InetAddress source = SynLab.craftedSource(firstSource + i, ipVersion);
            syns.add(new OracleSyn(OracleSyn.Kind.RANDOM, "random SYN " + i + " (seed " + seed + ")", source,
                draw.syn(ipVersion).from(source).toPort(SynLab.CRAFTED_PORT).bytes()));
        }
        return syns;
    }

    private SynBytes syn(int ipVersion) {
        SynBytes syn = ipVersion == 4 ? SynBytes.ipv4() : SynBytes.ipv6();
        int mss = chance(4) ? random.nextInt(2000) : pick(MSS_VALUES);
        int scale = chance(10) ? 15 : random.nextInt(15);
        syn.ttl(chance(3) ? 1 + random.nextInt(255) : Math.max(1, pick(TTLS) - random.nextInt(40)))
            .window(window(mss, ipVersion)).seq(chance(20) ? 0 : 1 + random.nextInt(1 << 30))
            .options(options(pick(layouts), mss, scale));
        if (ipVersion == 4) {
            boolean dontFragment = !chance(5);
            syn.dontFragment(dontFragment).ipId(chance(6) ? 0 : 1 + random.nextInt(0xFFFE))
                .ipFlagBits(chance(30) ? 0x8000 : 0).ipOptions(chance(30) ? "01010100" : "");
        } else {
            syn.flowLabel(chance(2) ? random.nextInt(0x100000) : 0);
        }
        syn.trafficClass(chance(15) ? random.nextInt(4) : 0)
            .flags(0x02 | (chance(15) ? 0xC0 : 0) | (chance(25) ? 0x20 : 0) | (chance(25) ? 0x08 : 0))
            .ack(chance(10) ? pick(ODD_AND_EVEN) : 0).urgentPointer(chance(25) ? pick(ODD_AND_EVEN) & 0xFFFF : 0)
            .payloadLength(chance(25) ? 8 : 0);
        return syn;
    }

    private int window(int mss, int ipVersion) {
        if (chance(5)) {
            return random.nextInt(65536);
        }
        int[] sizes = {mss, mss - 12, 1460, 1448, 1440, 1428, mss + 40, mss + 60, 1500, 8192, 1024};
        int size = Math.max(1, pick(sizes));
        int multiple = 1 + random.nextInt(Math.max(1, Math.min(64, 65535 / size)));
        return Math.min(65535, size * multiple);
    }

    /** The layout's options as bytes, padded to whole words and cut at 40 bytes. */
    private String options(String layout, int mss, int scale) {
        StringBuilder hex = new StringBuilder();
        for (String option : layout.isEmpty() ? new String[0] : layout.split(",")) {
            if (option.startsWith("eol+")) {
                int padding = Integer.parseInt(option.substring(4));
                hex.append("00").append(padding > 0 && chance(10) ? "01" + "00".repeat(padding - 1) : "00".repeat(padding));
            } else if (option.startsWith("?")) {
                hex.append(String.format("%02x02", Integer.parseInt(option.substring(1))));
            } else {
                hex.append(option(option, mss, scale));
            }
        }
        while (hex.length() % 8 != 0) {
            hex.append("00");
        }
        return hex.length() > 80 ? hex.substring(0, 80) : hex.toString();
    }

    private String option(String name, int mss, int scale) {
        switch (name) {
            case "nop":
                return "01";
            case "mss":
                return chance(40) ? String.format("0203%04x", mss) : String.format("0204%04x", mss);
            case "ws":
                return String.format("0303%02x", scale);
            case "sok":
                return "0402";
            case "sack":
                return "050a0000000000000000";
            default: // ts
                return String.format("080a%08x%08x", chance(15) ? 0 : 1 + random.nextInt(1 << 30),
                    chance(15) ? 5 : 0);
        }
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
