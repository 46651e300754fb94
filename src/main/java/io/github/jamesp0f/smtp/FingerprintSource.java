package io.github.jamesp0f.smtp;

import java.util.Locale;

import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Where {@link P0fConnectHandler} gets a client's fingerprint: {@code <source>} in its element.
 */
public enum FingerprintSource {
    /** Ask the p0f daemon (the default). */
    P0F,
    /** Match the SYN the kernel kept for the connection (TCP_SAVED_SYN) in-process; no daemon. */
    KERNEL,
    /** The kernel's saved SYN where there is one, else the p0f daemon if one is configured. */
    AUTO;

    public static final String ELEMENT = "source";

    /** {@code p0f}, {@code kernel} or {@code auto}, any case. */
    public static FingerprintSource parse(String text) throws ConfigurationException {
        for (FingerprintSource source : values()) {
            if (source.configName().equalsIgnoreCase(text.trim())) {
                return source;
            }
        }
        throw new ConfigurationException("<" + ELEMENT + "> must be p0f (the p0f daemon), kernel (the SYN the kernel"
            + " saved, matched in James; James 3.9 with <useEpoll>true</useEpoll>) or auto (kernel where a saved SYN"
            + " is there, else the daemon), not '" + text + "'");
    }

    /** Whether the kernel's saved SYN is read at all. */
    public boolean readsSavedSyn() {
        return this != P0F;
    }

    /** As written in the XML. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
