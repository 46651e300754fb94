package io.github.jamesp0f.syn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.jamesp0f.testing.Commands;
import io.github.jamesp0f.testing.Hex;
import io.github.jamesp0f.testing.SynLab;

/**
 * SYNs built from p0f.fp {@code sig} lines by {@code contrib/tools/craft-syn.py} (the same builder
 * as the label suite's), in one batch: each signature exactly, over IPv4 and IPv6, a few hops
 * away, and its neighbours, where p0f's rules decide: the other IP version for a signature of one
 * (as its version-agnostic twin), a TTL above the signature's or 36 hops below
 * it, quirks that p0f lets disappear or appear in a fuzzy match (and one it does not), and
 * concrete values for its wildcards (MSS for the link types, window, scale, payload). A line the
 * builder refuses (e.g. a quirk no SYN can carry) is left out and counted. craft-syn.py builds
 * exact matches only: the TTLs outside a signature's range are set in its packet afterwards.
 */
final class SignatureSyns {

    private static final Path CRAFT_SYN = Paths.get("contrib", "tools", "craft-syn.py");

    private final List<OracleSyn> syns = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    /** The sig lines of [tcp:request], read as text (not by the reader under test), in file order. */
    static List<String> signatures(Path database) throws IOException {
        List<String> signatures = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(database, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("[")) {
                inSection = line.equals("[tcp:request]");
            } else if (inSection && line.startsWith("sig")) {
                signatures.add(line.substring(line.indexOf('=') + 1).strip());
            }
        }
        return signatures;
    }

    /** Crafts the SYNs of every distinct signature of the databases, sources numbered from {@code firstSource}. */
    static SignatureSyns craft(List<Path> databases, int firstSource) throws IOException {
        Set<String> signatures = new LinkedHashSet<>();
        for (Path database : databases) {
            signatures.addAll(signatures(database));
        }
        List<String[]> lines = new ArrayList<>(); // what, version, craft-syn arguments, TTL to send (0: as built)
        for (String signature : signatures) {
            lines.addAll(variants(signature));
        }
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String[] line = lines.get(i);
            String source = SynLab.craftedSource(firstSource + i, Integer.parseInt(line[1])).getHostAddress();
            input.append(line[2].replace("SOURCE", source + " " + SynLab.CRAFTED_PORT)).append(" --source-port ")
                .append(20000 + i % 40000).append('\n');
        }
        List<String> output = run(input.toString());
        if (output.size() != lines.size()) {
            throw new IllegalStateException("craft-syn.py answered " + output.size() + " lines to " + lines.size());
        }
        SignatureSyns crafted = new SignatureSyns();
        for (int i = 0; i < lines.size(); i++) {
            String[] line = lines.get(i);
            if (output.get(i).startsWith("error: ")) {
                crafted.refused.add(line[0] + ": " + output.get(i));
            } else {
                byte[] packet = Hex.bytes(output.get(i));
                int ttl = Integer.parseInt(line[3]);
                crafted.syns.add(new OracleSyn(OracleSyn.Kind.SIGNATURE, line[0],
                    SynLab.craftedSource(firstSource + i, Integer.parseInt(line[1])), ttl > 0 ? withTtl(packet, ttl) : packet));
            }
        }
        return crafted;
    }

    List<OracleSyn> syns() {
        return syns;
    }

    /** The variants craft-syn.py refused, with its reason. */
    List<String> refused() {
        return refused;
    }

    private static List<String[]> variants(String signature) {
        String[] fields = signature.split(":", -1);
        boolean randomTtl = fields[1].endsWith("-");
        int ttl = Integer.parseInt(fields[1].replace("-", ""));
        List<String> quirks = fields[6].isEmpty() ? List.of() : Arrays.asList(fields[6].split(","));
        int ipVersion = fields[0].equals("6") ? 6 : 4;
        List<String[]> variants = new ArrayList<>();
        add(variants, signature, ipVersion, "exactly", "");
        if (fields[0].equals("*")) {
            add(variants, signature, 6, "exactly, over IPv6", "");
        } else {
            String[] bothVersions = fields.clone();
            bothVersions[0] = "*";
            add(variants, String.join(":", bothVersions), 10 - ipVersion, "over the other IP version", "");
        }
        if (ttl > 30) {
            add(variants, signature, ipVersion, randomTtl ? "30 below its TTL" : "9 hops away",
                randomTtl ? "--distance 30" : "--distance 9");
        }
        if (ttl < 255) {
            add(variants, signature, ipVersion, "TTL above the signature's", "", ttl + 1);
        }
        if (!randomTtl && ttl > 36) {
            add(variants, signature, ipVersion, "36 hops away", "", ttl - 36);
        }
        if (quirks.contains("df")) {
            add(variants, withQuirks(fields, quirks, List.of("df", "id+"), List.of()), ipVersion, "without df", "");
        }
        if (quirks.contains("id+")) {
            add(variants, withQuirks(fields, quirks, List.of("id+"), List.of()), ipVersion, "IP ID zero", "");
        }
        for (String extra : List.of("ecn", "id-", "seq-")) {
            boolean allowed = !extra.equals("id-") || (ipVersion == 4 && !quirks.contains("df"));
            if (!quirks.contains(extra) && allowed) {
                add(variants, withQuirks(fields, quirks, List.of(), List.of(extra)), ipVersion, "with " + extra, "");
            }
        }
        if (fields[3].equals("*")) {
            for (int mss : new int[] {1452, 1380, 536, 8960}) {
                add(variants, signature, ipVersion, "MSS " + mss, "--mss " + mss);
            }
        }
        String window = fields[4].split(",")[0];
        if (window.equals("*") || window.startsWith("%")) {
            for (int value : new int[] {5840, 64240, 8192}) {
                add(variants, signature, ipVersion, "window " + value, "--window " + value);
            }
        }
        if (fields[4].endsWith(",*")) {
            add(variants, signature, ipVersion, "scale 0", "--scale 0");
            add(variants, signature, ipVersion, "scale 7", "--scale 7");
        }
        if (fields[7].equals("*")) {
            add(variants, signature, ipVersion, "with data", "--payload 8");
        }
        return variants;
    }

    private static void add(List<String[]> variants, String signature, int ipVersion, String how, String options) {
        add(variants, signature, ipVersion, how, options, 0);
    }

    /** {@code ttl} other than 0: sent with that TTL, which craft-syn.py (exact matches only) does not build. */
    private static void add(List<String[]> variants, String signature, int ipVersion, String how, String options,
                            int ttl) {
        variants.add(new String[] {"sig " + signature + ", " + how, Integer.toString(ipVersion),
            "--sig '" + signature + "' SOURCE " + options, Integer.toString(ttl)});
    }

    /** The packet with another TTL (hop limit), the IPv4 header checksum made right again. */
    static byte[] withTtl(byte[] packet, int ttl) {
        byte[] changed = packet.clone();
        if ((changed[0] >> 4) == 6) {
            changed[7] = (byte) ttl;
            return changed;
        }
        changed[8] = (byte) ttl;
        changed[10] = 0;
        changed[11] = 0;
        int sum = 0;
        for (int i = 0; i < (changed[0] & 0x0F) * 4; i += 2) {
            sum += ((changed[i] & 0xFF) << 8) | (changed[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        changed[10] = (byte) (~sum >> 8);
        changed[11] = (byte) ~sum;
        return changed;
    }

    private static String withQuirks(String[] fields, List<String> quirks, List<String> removed, List<String> added) {
        List<String> changed = new ArrayList<>(quirks);
        changed.removeAll(removed);
        changed.addAll(added);
        String[] copy = fields.clone();
        copy[6] = String.join(",", changed);
        return String.join(":", copy);
    }

    private static List<String> run(String input) {
        String output = Commands.run(List.of("python3", CRAFT_SYN.toString(), "--batch", "--hex"), input,
            Duration.ofSeconds(120)).output();
        return Arrays.stream(output.split("\n")).filter(line -> !line.isEmpty()).collect(Collectors.toList());
    }
}
