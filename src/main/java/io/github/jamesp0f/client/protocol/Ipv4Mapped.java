package io.github.jamesp0f.client.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 addresses in IPv6 clothing ({@code ::ffff:a.b.c.d}, as a dual-stack server socket reports
 * IPv4 clients). p0f files such hosts under IPv4, so they must be asked, and cached, as IPv4.
 */
public final class Ipv4Mapped {

    private Ipv4Mapped() {
    }

    /** The four bytes of an IPv4 or IPv4-mapped address; null for a real IPv6 address. */
    public static byte[] ipv4Bytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            return raw;
        }
        if (address instanceof Inet6Address && isMapped(raw)) {
            return new byte[] {raw[12], raw[13], raw[14], raw[15]};
        }
        return null;
    }

    /** The plain IPv4 address behind a mapped one; any other address unchanged. */
    public static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address && isMapped(address.getAddress())) {
            try {
                return InetAddress.getByAddress(ipv4Bytes(address));
            } catch (UnknownHostException e) {
                return address;
            }
        }
        return address;
    }

    private static boolean isMapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }
}
