package io.github.jamesp0f.smtp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import io.github.jamesp0f.client.P0fClientConfig;
import io.github.jamesp0f.client.P0fEndpoint;

/**
 * Behind load balancers, which p0f saw each client: the p0f on the proxy that took the client's
 * connection. {@code <edges><edge proxy="CIDR" p0fAddress="IP:PORT"/>...</edges>} maps the proxies'
 * addresses (the TCP peer of a proxied connection) to their p0f; each edge's client has the
 * handler's settings, at the edge's address.
 */
public final class Edges {

    static final String ELEMENT = "edges";
    private static final String EDGE = "edge";
    private static final String PROXY = "proxy";
    private static final String P0F_ADDRESS = "p0fAddress";
    private static final Edges NONE = new Edges(Collections.emptyList());

    private final List<Edge> edges;

    private Edges(List<Edge> edges) {
        this.edges = edges;
    }

    public static Edges none() {
        return NONE;
    }

    /** The handler's {@code <edges>}; errors name the edge and what is wrong with it. */
    static Edges parse(Configuration config, P0fClientConfig settings) throws ConfigurationException {
        if (!(config instanceof HierarchicalConfiguration)) {
            if (config.getKeys(ELEMENT).hasNext()) {
                throw new ConfigurationException("<" + ELEMENT + "> needs James's XML configuration");
            }
            return NONE;
        }
        HierarchicalConfiguration<?> xml = (HierarchicalConfiguration<?>) config;
        if (xml.configurationsAt(ELEMENT).isEmpty()) {
            return NONE;
        }
        List<Edge> edges = new ArrayList<>();
        for (HierarchicalConfiguration<?> element : xml.configurationsAt(ELEMENT + "." + EDGE)) {
            Edge edge = Edge.parse(element, settings);
            for (Edge earlier : edges) {
                if (earlier.proxy.overlaps(edge.proxy)) {
                    throw new ConfigurationException("<" + EDGE + "> proxies overlap: " + earlier.proxy + " and "
                        + edge.proxy + " (a proxy must pick one p0f)");
                }
            }
            edges.add(edge);
        }
        if (edges.isEmpty()) {
            throw new ConfigurationException("<" + ELEMENT + "> has no <" + EDGE + " " + PROXY + "=\"CIDR\" "
                + P0F_ADDRESS + "=\"IP:PORT\"/>");
        }
        return new Edges(Collections.unmodifiableList(edges));
    }

    public boolean isEmpty() {
        return edges.isEmpty();
    }

    /** The p0f that saw the clients of {@code proxy}; empty for a proxy not listed. */
    public Optional<P0fClientConfig> forProxy(InetAddress proxy) {
        for (Edge edge : edges) {
            if (edge.proxy.contains(proxy)) {
                return Optional.of(edge.client);
            }
        }
        return Optional.empty();
    }

    /** Every edge's p0f, in the order given. */
    public List<P0fClientConfig> clients() {
        List<P0fClientConfig> clients = new ArrayList<>();
        edges.forEach(edge -> clients.add(edge.client));
        return clients;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Edge edge : edges) {
            text.append(text.length() == 0 ? "" : ", ").append(edge.proxy).append(" -> ").append(edge.client.endpoint());
        }
        return text.toString();
    }

    private static final class Edge {
        private final Networks.Network proxy;
        private final P0fClientConfig client;

        private Edge(Networks.Network proxy, P0fClientConfig client) {
            this.proxy = proxy;
            this.client = client;
        }

        static Edge parse(HierarchicalConfiguration<?> element, P0fClientConfig settings) throws ConfigurationException {
            String proxyText = attribute(element, PROXY, null);
            String where = "<" + EDGE + " " + PROXY + "=\"" + proxyText + "\">";
            Networks.Network proxy = Networks.Network.parse(EDGE + " " + PROXY, proxyText);
            String address = attribute(element, P0F_ADDRESS, where);
            try {
                return new Edge(proxy, settings.withEndpoint(P0fEndpoint.tcp(address)));
            } catch (P0fClientConfig.InvalidSettingException e) {
                throw new ConfigurationException(where + " " + P0F_ADDRESS + " " + e.problem(), e);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(where + " " + P0F_ADDRESS + " " + e.getMessage(), e);
            }
        }

        private static String attribute(HierarchicalConfiguration<?> element, String name, String where)
            throws ConfigurationException {
            String value = element.getString("[@" + name + "]", "").trim();
            if (value.isEmpty()) {
                throw new ConfigurationException((where == null ? "<" + EDGE + ">" : where) + " needs " + name + "=\""
                    + (name.equals(PROXY) ? "CIDR, for example 198.51.100.10/32" : "IP:PORT, for example 198.51.100.10:2999")
                    + "\"");
            }
            return value;
        }
    }
}
