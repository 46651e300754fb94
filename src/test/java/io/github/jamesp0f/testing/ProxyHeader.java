package io.github.jamesp0f.testing;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers as HAProxy writes them (www.haproxy.org/download/2.6/doc/proxy-protocol.txt):
 * version 1 (text) and 2 (binary), TCP over IPv4 or IPv6, and v2's LOCAL command (health checks).
 */
public final class ProxyHeader {

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeader() {
    }

    /** {@code PROXY TCP4|TCP6 source destination sourcePort destinationPort\r\n}. */
    public static byte[] v1(String source, int sourcePort, String destination, int destinationPort) {
        String family = address(source) instanceof Inet4Address ? "TCP4" : "TCP6";
        return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** The binary header of a proxied TCP connection. */
    public static byte[] v2(String source, int sourcePort, String destination, int destinationPort) {
        byte[] from = address(source).getAddress();
        byte[] to = address(destination).getAddress();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(V2_SIGNATURE);
        header.write(0x21);                              // version 2, PROXY
        header.write(from.length == 4 ? 0x11 : 0x21);    // TCP over IPv4 or IPv6
        int length = 2 * from.length + 4;
        header.write(length >> 8);
        header.write(length & 0xff);
        header.writeBytes(from);
        header.writeBytes(to);
        header.write(sourcePort >> 8);
        header.write(sourcePort & 0xff);
        header.write(destinationPort >> 8);
        header.write(destinationPort & 0xff);
        return header.toByteArray();
    }

    /** v2 LOCAL: a connection of the proxy's own (health check), naming no client. */
    public static byte[] v2Local() {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(V2_SIGNATURE);
        header.write(0x20);
        header.write(0x00);
        header.write(0);
        header.write(0);
        return header.toByteArray();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
