package io.github.jamesp0f.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IP address typed on the command line, with an optional port: {@code 192.0.2.1},
 * {@code 192.0.2.1:25}, {@code 2001:db8::1}, {@code [2001:db8::1]:25}. Host names are refused:
 * p0f knows addresses, and a DNS lookup would only hide which address was asked.
 */
final class Endpoint {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):([^:]*)");
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]*)\\](?::(.*))?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    private final InetAddress address;
    private final int port;

    private Endpoint(InetAddress address, int port) {
        this.address = address;
        this.port = port;
    }

    /** @param what names the argument in error messages, e.g. "ADDRESS" or "--local-address" */
    static Endpoint parse(String what, String text) throws UsageException {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new UsageException(what + " must not be empty");
        }
        Matcher bracketed = BRACKETED.matcher(trimmed);
        if (bracketed.matches()) {
            return new Endpoint(ipv6(what, bracketed.group(1), text), port(what, bracketed.group(2), text));
        }
        Matcher withPort = IPV4_WITH_PORT.matcher(trimmed);
        if (withPort.matches()) {
            return new Endpoint(ipv4(what, withPort.group(1), text), port(what, withPort.group(2), text));
        }
        if (trimmed.indexOf(':') >= 0) {
            return new Endpoint(ipv6(what, trimmed, text), 0);
        }
        return new Endpoint(ipv4(what, trimmed, text), 0);
    }

    private static InetAddress ipv4(String what, String candidate, String text) throws UsageException {
        Matcher m = IPV4.matcher(candidate);
        if (!m.matches()) {
            throw notAnAddress(what, text);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(m.group(i + 1));
            if (part > 255) {
                throw new UsageException(what + " \"" + text + "\" is not an IPv4 address: " + part + " is over 255");
            }
            bytes[i] = (byte) part;
        }
        return literal(bytes, what, text);
    }

    private static InetAddress ipv6(String what, String candidate, String text) throws UsageException {
        if (!IPV6.matcher(candidate).matches()) {
            throw notAnAddress(what, text);
        }
        try {
            // Only hex digits, colons, dots and a zone: InetAddress parses it as a literal, no DNS.
            return InetAddress.getByName(candidate);
        } catch (UnknownHostException e) {
            throw new UsageException(what + " \"" + text + "\" is not an IPv6 address");
        }
    }

    private static InetAddress literal(byte[] bytes, String what, String text) throws UsageException {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw notAnAddress(what, text);
        }
    }

    private static int port(String what, String portText, String text) throws UsageException {
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
        throw new UsageException(what + " \"" + text + "\": the port must be a number from 1 to 65535");
    }

    private static UsageException notAnAddress(String what, String text) {
        return new UsageException(what + " \"" + text + "\" is not an IP address (p0f knows addresses, not host names)");
    }

    /**
     * The address as p0f's v3 API is asked: an IPv4-mapped IPv6 address is already an IPv4 address
     * here (Java's parser maps it).
     */
    InetAddress address() {
        return address;
    }

    OptionalInt port() {
        return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        String host = address.getHostAddress();
        if (port == 0) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
