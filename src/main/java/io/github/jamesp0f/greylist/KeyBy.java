package io.github.jamesp0f.greylist;

import java.util.Locale;

import org.apache.commons.configuration2.ex.ConfigurationException;

/** What identifies a client in a triplet ({@code <keyBy>}); see {@link ClientKey}. */
public enum KeyBy {
    /** The exact address. */
    ADDRESS,
    /** The /24 (IPv4) or /64 (IPv6) network. */
    NETWORK,
    /** The confirmed host name's domain, else the network. */
    HOSTNAME;

    static KeyBy parse(String element, String text) throws ConfigurationException {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("<" + element + "> must be address, network or hostname, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
