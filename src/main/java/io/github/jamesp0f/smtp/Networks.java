package io.github.jamesp0f.smtp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.commons.configuration2.ex.ConfigurationException;

import io.github.jamesp0f.client.protocol.Ipv4Mapped;
import io.github.jamesp0f.config.ConfigValues;

/**
 * A list of networks in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare address
 * is a single host). IPv4-mapped IPv6 clients ({@code ::ffff:10.1.2.3}) match IPv4 networks.
 *
 * <p>Not James's {@code NetMatcher}: in James 3.8.1 and 3.9.0 it reads an IPv6 prefix length as
 * if it were a byte count's logarithm ({@code 2001:db8::/32} does not contain
 * {@code 2001:db8:1::5}), and it accepts a bad entry silently ({@code 10.0.0.0/33} becomes
 * {@code 0.0.0.0/1}, half the Internet), where a mistake here must stop James naming it.
 */
public final class Networks {

    private static final Networks NONE = new Networks(Collections.emptyList(), "");

    private final List<Network> networks;
    private final String text;

    private Networks(List<Network> networks, String text) {
        this.networks = networks;
        this.text = text;
    }

    public static Networks none() {
        return NONE;
    }

    /** Parses entries separated by commas or white space; errors name {@code element} and the bad entry. */
    public static Networks parse(String element, String text) throws ConfigurationException {
        List<Network> networks = new ArrayList<>();
        for (String entry : text.trim().split("[\\s,]+")) {
            if (!entry.isEmpty()) {
                networks.add(Network.parse(element, entry));
            }
        }
        return new Networks(Collections.unmodifiableList(networks), text.trim());
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = Ipv4Mapped.unmapped(address).getAddress();
        for (Network network : networks) {
            if (network.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }

    /** One CIDR network, IPv4 or IPv6 (an IPv4-mapped address counts as IPv4). */
    static final class Network {
        private final byte[] prefix;
        private final int bits;
        private final String text;

        private Network(byte[] prefix, int bits, String text) {
            this.prefix = prefix;
            this.bits = bits;
            this.text = text;
        }

        boolean contains(InetAddress address) {
            return contains(Ipv4Mapped.unmapped(address).getAddress());
        }

        /** True when some address is in both: one network contains the other's first address. */
        boolean overlaps(Network other) {
            return prefix.length == other.prefix.length
                && (bits <= other.bits ? contains(other.prefix) : other.contains(prefix));
        }

        @Override
        public String toString() {
            return text;
        }

        static Network parse(String element, String entry) throws ConfigurationException {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress parsed = ConfigValues.ipAddress(element, address);
            int maxBits = parsed instanceof Inet4Address ? 32 : 128;
            int bits = maxBits;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > maxBits) {
                    throw new ConfigurationException("<" + element + "> has a bad prefix length in '" + entry
                        + "': must be 0.." + maxBits);
                }
            }
            byte[] prefix = Ipv4Mapped.unmapped(parsed).getAddress();
            return new Network(prefix, Math.min(bits, prefix.length * 8), entry);
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int fullBytes = bits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[fullBytes] & mask) == (prefix[fullBytes] & mask);
        }
    }
}
