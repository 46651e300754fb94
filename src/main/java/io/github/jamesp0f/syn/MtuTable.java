package io.github.jamesp0f.syn;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * p0f.fp's {@code [mtu]} section: link types by MTU (1500 "Ethernet or modem", 1492 "DSL", ...).
 * Where an MTU is listed twice, the first label counts, as in p0f. Looked up without allocating.
 */
public final class MtuTable {

    private final int[] mtus;
    private final String[] labels;

    /** @param labelsByMtu in file order; the first label of an MTU wins */
    MtuTable(Map<Integer, String> labelsByMtu) {
        mtus = labelsByMtu.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        labels = new String[mtus.length];
        for (int i = 0; i < mtus.length; i++) {
            labels[i] = labelsByMtu.get(mtus[i]);
        }
    }

    /** The link type of an MTU, or null. */
    String linkType(int mtu) {
        int at = Arrays.binarySearch(mtus, mtu);
        return at >= 0 ? labels[at] : null;
    }

    public Optional<String> lookup(int mtu) {
        return Optional.ofNullable(linkType(mtu));
    }

    public int size() {
        return mtus.length;
    }
}
