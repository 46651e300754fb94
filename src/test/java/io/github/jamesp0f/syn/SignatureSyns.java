package io.github.jamesp0f.syn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.jamesp0f.testing.CraftedSynBatch;
import io.github.jamesp0f.testing.SignatureLines;
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

    private final List<OracleSyn> syns = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    /** Crafts the SYNs of every distinct signature of the databases, sources numbered from {@code firstSource}. */
    static SignatureSyns craft(List<Path> databases, int firstSource) {
        Set<String> signatures = new LinkedHashSet<>();
        for (Path database : databases) {
            SignatureLines.tcpRequest(database).forEach(line -> signatures.add(line.sig));
        }
        List<Variant> variants = new ArrayList<>();
        for (String signature : signatures) {
            variants.addAll(variants(signature));
        }
        CraftedSynBatch batch = new CraftedSynBatch();
        for (int i = 0; i < variants.size(); i++) {
            Variant variant = variants.get(i);
            batch.add(variant.signature, SynLab.craftedSource(firstSource + i, variant.ipVersion), SynLab.CRAFTED_PORT,
                variant.options);
        }
        List<CraftedSynBatch.Built> built = batch.build();
        SignatureSyns crafted = new SignatureSyns();
        for (int i = 0; i < variants.size(); i++) {
            Variant variant = variants.get(i);
            if (built.get(i).refusal != null) {
                crafted.refused.add(variant.what + ": " + built.get(i).refusal);
            } else {
                byte[] packet = built.get(i).packet;
                crafted.syns.add(new OracleSyn(OracleSyn.Kind.SIGNATURE, variant.what,
                    SynLab.craftedSource(firstSource + i, variant.ipVersion),
                    variant.ttl > 0 ? withTtl(packet, variant.ttl) : packet));
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

    private static List<Variant> variants(String signature) {
        String[] fields = signature.split(":", -1);
        boolean randomTtl = fields[1].endsWith("-");
        int ttl = Integer.parseInt(fields[1].replace("-", ""));
        List<String> quirks = fields[6].isEmpty() ? List.of() : Arrays.asList(fields[6].split(","));
        int ipVersion = fields[0].equals("6") ? 6 : 4;
        List<Variant> variants = new ArrayList<>();
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

    private static void add(List<Variant> variants, String signature, int ipVersion, String how, String options) {
        add(variants, signature, ipVersion, how, options, 0);
    }

    /** {@code ttl} other than 0: sent with that TTL, which craft-syn.py (exact matches only) does not build. */
    private static void add(List<Variant> variants, String signature, int ipVersion, String how, String options,
                            int ttl) {
        variants.add(new Variant("sig " + signature + ", " + how, signature, ipVersion,
            options.isEmpty() ? new String[0] : options.split(" "), ttl));
    }

    /** One SYN to craft: what it is, from which signature and IP version, craft-syn.py's options, a TTL to set. */
    private static final class Variant {
        final String what;
        final String signature;
        final int ipVersion;
        final String[] options;
        final int ttl;

        Variant(String what, String signature, int ipVersion, String[] options, int ttl) {
            this.what = what;
            this.signature = signature;
            this.ipVersion = ipVersion;
            this.options = options;
            this.ttl = ttl;
        }
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
}
