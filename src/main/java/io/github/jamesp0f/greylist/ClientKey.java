package io.github.jamesp0f.greylist;

import java.net.Inet4Address;
import java.net.Inet6Address;
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
        InetAddress plain = unmapped(address);
        byte[] bytes = plain.getAddress();
        if (!groupByNetwork) {
            return text(bytes);
        }
        if (bytes.length == 4) {
            bytes[3] = 0;
            return text(bytes) + "/24";
        }
        Arrays.fill(bytes, 8, 16, (byte) 0);
        return text(bytes) + "/64";
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 client it stands for. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return byAddress(Arrays.copyOfRange(b, 12, 16));
            }
        }
        return address;
    }

    /** The address without a scope id ("%eth0"), which says nothing about the sender. */
    private static String text(byte[] bytes) {
        InetAddress address = byAddress(bytes);
        String text = address.getHostAddress();
        if (address instanceof Inet4Address) {
            return text;
        }
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + bytes.length + " bytes", e);
        }
    }
}
