package io.github.jamesp0f.client;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where p0f's API is reached: its unix socket ({@code p0f -s PATH}) on this host, or a TCP address
 * (an IP literal and a port) where a relay such as systemd-socket-proxyd forwards to that socket
 * on another host. A value with equality, so that equal configurations share one client. Named in
 * logs, errors and the status route as {@code unix:/run/p0f/p0f.sock} or
 * {@code tcp:198.51.100.10:2999}.
 */
public final class P0fEndpoint {

    private final Path socketPath;
    private final InetSocketAddress tcpAddress;

    private P0fEndpoint(Path socketPath, InetSocketAddress tcpAddress) {
        this.socketPath = socketPath;
        this.tcpAddress = tcpAddress;
    }

    public static P0fEndpoint unix(Path socketPath) {
        return new P0fEndpoint(Objects.requireNonNull(socketPath, "socketPath"), null);
    }

    /** @throws IllegalArgumentException when the address is unresolved (a host name) or has no port */
    public static P0fEndpoint tcp(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved() || address.getPort() == 0) {
            throw new IllegalArgumentException("must be an IP address and a port, such as 198.51.100.10:2999, not "
                + address);
        }
        return new P0fEndpoint(null, address);
    }

    /**
     * {@code 198.51.100.10:2999} or {@code [2001:db8::10]:2999}; host names are refused without
     * asking DNS.
     *
     * @throws IllegalArgumentException whose message completes a sentence that starts with the
     *                                  setting's name ({@code p0fAddress}, {@code --p0f-address})
     */
    public static P0fEndpoint tcp(String ipAndPort) {
        AddressAndPort parsed = AddressAndPort.parse(ipAndPort);
        if (parsed.port().isEmpty()) {
            throw new IllegalArgumentException("\"" + ipAndPort.trim() + "\" has no port: give the address and port "
                + "where p0f's API is relayed, such as 198.51.100.10:2999 or [2001:db8::10]:2999");
        }
        return tcp(parsed.socketAddress());
    }

    /** p0f's unix socket, for a unix endpoint. */
    public Optional<Path> socketPath() {
        return Optional.ofNullable(socketPath);
    }

    /** The address and port, for a TCP endpoint. */
    public Optional<InetSocketAddress> tcpAddress() {
        return Optional.ofNullable(tcpAddress);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof P0fEndpoint)) {
            return false;
        }
        P0fEndpoint other = (P0fEndpoint) o;
        return Objects.equals(socketPath, other.socketPath) && Objects.equals(tcpAddress, other.tcpAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(socketPath, tcpAddress);
    }

    /** {@code unix:/run/p0f/p0f.sock}, {@code tcp:198.51.100.10:2999}, {@code tcp:[2001:db8:0:0:0:0:0:10]:2999}. */
    @Override
    public String toString() {
        return socketPath != null ? "unix:" + socketPath
            : "tcp:" + AddressAndPort.format(tcpAddress.getAddress(), tcpAddress.getPort());
    }
}
