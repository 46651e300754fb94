package io.github.jamesp0f.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IP address as an administrator types it, with an optional port: {@code 192.0.2.1},
 * {@code 192.0.2.1:25}, {@code 2001:db8::1}, {@code [2001:db8::1]:25}. Host names are refused
 * without asking DNS: p0f knows addresses, and a lookup would only hide which address was meant
 * (or, for p0f's own address, make start-up wait on DNS).
 */
public final class AddressAndPort {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):([^:]*)");
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]*)\\](?::(.*))?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    private final InetAddress address;
    private final int port;

    private AddressAndPort(InetAddress address, int port) {
        this.address = address;
        this.port = port;
    }

    /**
     * @throws IllegalArgumentException whose message completes a sentence that starts with the
     *                                  value's name, e.g. {@code "\"mx.example\" is not an IP address ..."}
     */
    public static AddressAndPort parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        Matcher bracketed = BRACKETED.matcher(trimmed);
        if (bracketed.matches()) {
            return new AddressAndPort(ipv6(bracketed.group(1), text), port(bracketed.group(2), text));
        }
        Matcher withPort = IPV4_WITH_PORT.matcher(trimmed);
        if (withPort.matches()) {
            return new AddressAndPort(ipv4(withPort.group(1), text), port(withPort.group(2), text));
        }
        if (trimmed.indexOf(':') >= 0) {
            return new AddressAndPort(ipv6(trimmed, text), 0);
        }
        return new AddressAndPort(ipv4(trimmed, text), 0);
    }

    private static InetAddress ipv4(String candidate, String text) {
        Matcher m = IPV4.matcher(candidate);
        if (!m.matches()) {
            throw notAnAddress(text);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(m.group(i + 1));
            if (part > 255) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address: " + part + " is over 255");
            }
            bytes[i] = (byte) part;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw notAnAddress(text);
        }
    }

    private static InetAddress ipv6(String candidate, String text) {
        if (!IPV6.matcher(candidate).matches()) {
            throw notAnAddress(text);
        }
        try {
            // Only hex digits, colons, dots and a zone: InetAddress parses it as a literal, no DNS.
            return InetAddress.getByName(candidate);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv6 address");
        }
    }

    private static int port(String portText, String text) {
        if (portText == null) {
            return 0;
        }
        try {
            int port = Integer.parseInt(portText);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException("\"" + text + "\": the port must be a number from 1 to 65535");
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not an IP address (host names are not looked up)");
    }

    /** An IPv4-mapped IPv6 address is already an IPv4 address here (Java's parser maps it), as p0f files it. */
    public InetAddress address() {
        return address;
    }

    public OptionalInt port() {
        return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** Port 0 when none was given. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** {@code 192.0.2.1:25}, {@code [2001:db8:0:0:0:0:0:1]:25}, or the address alone without a port. */
    @Override
    public String toString() {
        return format(address, port);
    }

    /** {@code address:port}, an IPv6 address in brackets; the address alone for port 0. */
    public static String format(InetAddress address, int port) {
        String host = address.getHostAddress();
        if (port == 0) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
