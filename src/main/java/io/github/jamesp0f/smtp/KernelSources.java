package io.github.jamesp0f.smtp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import javax.inject.Singleton;

/**
 * The kernel sources of this James's handlers ({@code <source>kernel} or {@code auto}), for the
 * status route: each handler adds its own in {@code init} and removes it in {@code destroy}.
 */
@Singleton
public class KernelSources {

    private final List<KernelSource> sources = new CopyOnWriteArrayList<>();

    void add(KernelSource source) {
        sources.add(source);
    }

    void remove(KernelSource source) {
        sources.remove(source);
    }

    /** What each one reads from and does where no SYN is saved, and its listening sockets so far. */
    public List<View> views() {
        return sources.stream()
            .map(source -> new View(source.database().toString(), source.insteadOnSocket(), source.insteadOfSyn(),
                source.sockets()))
            .collect(Collectors.toList());
    }

    /** One handler's kernel source, as the status route shows it. */
    public static final class View {
        private final String database;
        private final String insteadOnSocket;
        private final String insteadOfSyn;
        private final Map<String, String> sockets;

        public View(String database, String insteadOnSocket, String insteadOfSyn, Map<String, String> sockets) {
            this.database = database;
            this.insteadOnSocket = insteadOnSocket;
            this.insteadOfSyn = insteadOfSyn;
            this.sockets = Map.copyOf(sockets);
        }

        /** The signature database, with its size. */
        public String database() {
            return database;
        }

        /** What clients get on a socket that keeps no SYNs (NIO transport, PROXY protocol). */
        public String insteadOnSocket() {
            return insteadOnSocket;
        }

        /** What a client gets when the kernel kept no SYN for its connection. */
        public String insteadOfSyn() {
            return insteadOfSyn;
        }

        /** Each listening socket seen so far ("198.18.112.1:2525") and whether it keeps SYNs, or why not. */
        public Map<String, String> sockets() {
            return sockets;
        }
    }
}
