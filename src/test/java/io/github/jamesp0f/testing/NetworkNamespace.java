package io.github.jamesp0f.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of the test's own ({@code ip netns}), with only its loopback up until the
 * test adds a veth. Its name carries a prefix, this JVM's PID and a random suffix, so that runs
 * of several engineers or builds never collide. {@link #close()} deletes it (processes still in
 * it are the test's to stop first, by PID). Needs root and iproute2.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates {@code PREFIX-PID-RANDOM} with its loopback up. */
    public static NetworkNamespace create(String prefix) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        run("ip", "netns", "add", name);
        NetworkNamespace namespace = new NetworkNamespace(name);
        try {
            namespace.exec("ip", "link", "set", "lo", "up");
            return namespace;
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /**
     * A veth pair between this namespace ({@code local}) and {@code peer} ({@code remote}), up, with
     * the addresses given in CIDR form (IPv6 ones without duplicate address detection, so that they
     * are usable at once). Interface names have at most 15 characters.
     */
    public void vethTo(NetworkNamespace peer, String local, String remote, List<String> here, List<String> there,
                       int mtu) {
        run("ip", "link", "add", local, "netns", name, "type", "veth", "peer", "name", remote, "netns", peer.name);
        configure(this, local, here, mtu);
        configure(peer, remote, there, mtu);
    }

    private static void configure(NetworkNamespace namespace, String device, List<String> addresses, int mtu) {
        namespace.exec("ip", "link", "set", device, "mtu", Integer.toString(mtu), "up");
        for (String address : addresses) {
            List<String> command = new ArrayList<>(List.of("ip", "address", "add", address, "dev", device));
            if (address.contains(":")) {
                command.add("nodad");
            }
            namespace.exec(command.toArray(new String[0]));
        }
    }

    /** The command line that runs {@code command} inside this namespace. */
    public List<String> inside(String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(List.of(command));
        return line;
    }

    /** Runs a command inside and returns its output; fails with that output if it fails. */
    public String exec(String... command) {
        return run(inside(command).toArray(new String[0]));
    }

    /** Deletes the namespace (its veth ends go with it). */
    @Override
    public void close() {
        run("ip", "netns", "delete", name);
    }

    static String run(String... command) {
        return Commands.check(List.of(command), "", COMMAND_TIMEOUT);
    }
}
