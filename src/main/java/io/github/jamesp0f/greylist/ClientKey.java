package io.github.jamesp0f.greylist;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The client part of a triplet. Either the exact address, or its network: /24 for IPv4 and /64
 * for IPv6, so that a sender whose retries leave from another host of the same farm (big
 * providers do this) is still recognised.
 */
public final class ClientKey {

    private ClientKey() {
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
