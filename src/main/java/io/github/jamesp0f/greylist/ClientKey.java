package io.github.jamesp0f.greylist;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The client part of a triplet. Either the exact address, or its network: /24 for IPv4 and /64
 * for IPv6, or the domain of its forward-confirmed host name, so that a sender whose retries leave
 * from another host of the same farm (big providers do this) is still recognised.
 */
public final class ClientKey {

    private ClientKey() {
    }

    /**
     * The key for {@code keyBy}. With {@link KeyBy#HOSTNAME}: the confirmed name without its first
     * label ("mail-ab1.outbound.protection.outlook.com" gives "outbound.protection.outlook.com";
     * a name of two labels is kept whole, so "example.com" never widens to "com"); without a
     * confirmed name, the network.
     */
    public static String of(InetAddress address, KeyBy keyBy, Optional<String> confirmedName) {
        switch (keyBy) {
            case HOSTNAME:
                return confirmedName.map(ClientKey::domainOf).orElseGet(() -> of(address, true));
            case NETWORK:
                return of(address, true);
            default:
                return of(address, false);
        }
    }

    static String domainOf(String hostname) {
        int dot = hostname.indexOf('.');
        String rest = dot < 0 ? hostname : hostname.substring(dot + 1);
        return rest.indexOf('.') < 0 ? hostname : rest;
    }

    /** For example "192.0.2.7", "192.0.2.0/24", "2001:db8:1:2:0:0:0:9" or "2001:db8:1:2:0:0:0:0/64". */
    public static String of(InetAddress address, boolean groupByNetwork) {
        byte[] bytes = plain(address.getAddress()).getAddress();
        if (!groupByNetwork) {
            return plain(bytes).getHostAddress();
        }
        if (bytes.length == 4) {
            bytes[3] = 0;
            return plain(bytes).getHostAddress() + "/24";
        }
        Arrays.fill(bytes, 8, 16, (byte) 0);
        return plain(bytes).getHostAddress() + "/64";
    }

    /**
     * The address from its bytes alone: no scope id ("%eth0", which says nothing about the sender),
     * and an IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the IPv4 client it stands for
     * (InetAddress.getByAddress does that conversion).
     */
    private static InetAddress plain(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + bytes.length + " bytes", e);
        }
    }
}
