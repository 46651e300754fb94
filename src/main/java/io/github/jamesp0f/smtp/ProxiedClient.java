package io.github.jamesp0f.smtp;

import java.net.InetSocketAddress;
import java.util.Optional;

import org.apache.james.protocols.api.ProxyInformation;
import org.apache.james.protocols.smtp.SMTPSession;

/** The client that the PROXY header of a session names, as James read it (v1 or v2, IPv4 or IPv6). */
final class ProxiedClient {

    private ProxiedClient() {
    }

    /**
     * The header's source address; empty before James has read a header, or when it named no TCP
     * source (James then closes the connection).
     */
    static Optional<InetSocketAddress> of(SMTPSession session) {
        try {
            return session.getProxyInformation().map(ProxyInformation::getSource);
        } catch (NullPointerException e) {
            // James 3.8 and 3.9 answer Optional.of(null) before a header: no header yet.
            return Optional.empty();
        }
    }
}
