package io.github.jamesp0f.client.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Small pieces both wire formats share: fixed-size strings and IPv4 addresses in any disguise. */
final class WireText {

    private WireText() {
    }

    /**
     * The string in a fixed-size field: up to the first NUL, or the whole field when p0f filled it
     * (it copies labels such as "10.9 or newer (sometimes iPhone or iPad)" without a NUL).
     */
    static String fixedString(ByteBuffer b, int offset, int size) {
        int end = offset;
        int limit = offset + size;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        if (end == offset) {
            return "";
        }
        byte[] bytes = new byte[end - offset];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = b.get(offset + i);
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * The four bytes of an IPv4 address, also when it comes as an IPv4-mapped IPv6 address
     * ({@code ::ffff:a.b.c.d}): p0f files such hosts under IPv4. Null for a real IPv6 address.
     */
    static byte[] ipv4Bytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            return raw;
        }
        if (address instanceof Inet6Address && isIpv4Mapped(raw)) {
            return new byte[] {raw[12], raw[13], raw[14], raw[15]};
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
