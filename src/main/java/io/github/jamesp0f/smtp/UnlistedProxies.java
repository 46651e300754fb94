package io.github.jamesp0f.smtp;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jamesp0f.metrics.P0fMetrics;

/**
 * Connections from proxies that no edge lists: counted every time, logged once per proxy. At most
 * {@link #REMEMBERED} proxies are remembered, so that connections from many addresses (a
 * misconfigured balancer pool, a scan) cannot grow memory; past that they are only counted.
 */
final class UnlistedProxies {

    static final int REMEMBERED = 1000;
    private static final Logger LOGGER = LoggerFactory.getLogger(UnlistedProxies.class);

    private final P0fMetrics metrics;
    private final Set<InetAddress> logged = new HashSet<>();
    private boolean full;

    UnlistedProxies(P0fMetrics metrics) {
        this.metrics = metrics;
    }

    void seen(InetAddress proxy) {
        metrics.proxyUnlisted();
        synchronized (this) {
            if (full || logged.contains(proxy)) {
                return;
            }
            if (logged.size() == REMEMBERED) {
                full = true;
                LOGGER.warn("More than {} proxies not listed in <edges>: the next ones are counted in"
                    + " p0f_proxy_unlisted, not logged", REMEMBERED);
                return;
            }
            logged.add(proxy);
        }
        LOGGER.warn("Connections through proxy {} are not looked up: no <edge proxy=...> of this handler lists it"
            + " (counted in p0f_proxy_unlisted; said once per proxy)", proxy.getHostAddress());
    }

    /** How many proxies are remembered as logged. */
    synchronized int remembered() {
        return logged.size();
    }
}
