package io.github.jamesp0f.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.modules.data.MemoryUsersRepositoryModule;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.WebAdminGuiceProbe;

import com.google.inject.multibindings.Multibinder;

/**
 * The demo's James: an in-memory James (3.8.1 or 3.9.0) with SMTP, IMAP and webadmin, run from a working
 * directory holding extensions-jars/ (the james-p0f jar, copied there by run.sh) and conf/
 * (written here by {@link DemoConfiguration} from conf-samples). Creates the demo user, prints
 * one "READY ..." line, and runs until the JVM is told to stop (SIGTERM, Ctrl-C), stopping James
 * cleanly. On a start-up failure it prints "FAILED ..." and exits 1.
 *
 * <pre>
 * DemoJames --home DIR --smtp-port 2525 --imap-port 1143 --webadmin-port 8000
 *           (--p0f-socket /path/p0f.sock | --kernel-link 198.18.120.1) --block-time 5s
 *           --user demo@localhost --password demo [--dns-server 127.53.0.1]
 * </pre>
 * With {@code --kernel-link}, no p0f: the handler reads the kernel's saved SYN (James 3.9, epoll),
 * and SMTP listens on that address too. With {@code --dns-server}, James's DNS (dnsservice.xml)
 * uses that server only. With {@code --proxy} it is a node behind the edge of run.sh --behind-proxy
 * ({@link DemoConfiguration#behindProxy}).
 * Demo support, not part of the extension (its classes come from extensions-jars only).
 */
public final class DemoJames {

    private DemoJames() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path home = Paths.get(options.get("home")).toAbsolutePath();
        String user = options.get("user");

        // James calls System.exit on a start-up error only when told to; we report it ourselves.
        System.setProperty("james.exit.on.startup.error", "false");
        GuiceJamesServer server = null;
        try {
            DemoConfiguration configuration = new DemoConfiguration(Integer.parseInt(options.get("smtp-port")),
                Integer.parseInt(options.get("imap-port")), Integer.parseInt(options.get("webadmin-port")),
                options.get("p0f-socket"), options.get("kernel-link"), options.get("block-time"),
                options.get("dns-server"));
            if (options.containsKey("proxy")) {
                configuration.behindProxy(new DemoConfiguration.Node(options.get("smtp-bind"), options.get("greeting"),
                    options.get("proxy"), options.get("p0f-address"), options.get("greylist-jdbc"),
                    options.get("greylist-jdbc-user")));
            }
            configuration.writeTo(home.resolve("conf"));
            Files.createDirectories(home.resolve("extensions-jars"));
            server = create(home);
            GuiceJamesServer started = server;
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.stop();
                stopped.countDown();
            }, "demo-james-stop"));
            server.start();
            addUser(server, user, options.get("password"));
            System.out.println("READY smtp=" + server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue()
                + " imap=" + server.getProbe(ImapGuiceProbe.class).getImapPort()
                + " webadmin=" + server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
            System.out.flush();
            stopped.await();
        } catch (Exception e) {
            e.printStackTrace();
            System.out.println("FAILED " + e);
            System.out.flush();
            // Non-daemon threads would keep a half-started James alive.
            Runtime.getRuntime().halt(1);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("not an option: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        List<String> required = new ArrayList<>(List.of("home", "smtp-port", "imap-port", "webadmin-port", "block-time",
            "user", "password"));
        if (options.containsKey("proxy")) {
            required.addAll(List.of("smtp-bind", "greeting", "p0f-address", "greylist-jdbc", "greylist-jdbc-user"));
        } else if (options.containsKey("p0f-socket") == options.containsKey("kernel-link")) {
            usage("give --p0f-socket (the p0f daemon) or --kernel-link (the kernel source), one of them");
        }
        for (String option : required) {
            if (!options.containsKey(option)) {
                usage("missing --" + option);
            }
        }
        return options;
    }

    private static void usage(String problem) {
        System.err.println("DemoJames: " + problem + "\nusage: DemoJames --home DIR --smtp-port N --imap-port N"
            + " --webadmin-port N (--p0f-socket PATH | --kernel-link ADDRESS) --block-time 5s --user USER@DOMAIN"
            + " --password SECRET [--dns-server ADDRESS]\n   behind the edge, instead of --p0f-socket: --proxy IP"
            + " --smtp-bind IP --greeting TEXT --p0f-address IP:PORT --greylist-jdbc URL --greylist-jdbc-user USER");
        System.exit(2);
    }

    private static void addUser(GuiceJamesServer server, String user, String password) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        String domain = user.substring(user.indexOf('@') + 1);
        if (!data.containsDomain(domain)) {
            data.addDomain(domain);
        }
        data.addUser(user, password);
    }

    static GuiceJamesServer create(Path workingDirectory) {
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .workingDirectory(workingDirectory.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build();
        return GuiceJamesServer.forConfiguration(configuration)
            .combineWith(MemoryJamesServerMain.SMTP_AND_IMAP_MODULE)
            .combineWith(new MemoryUsersRepositoryModule())
            .combineWith(new WebAdminServerModule(), new NoJwtModule())
            .combineWith(binder -> Multibinder.newSetBinder(binder, GuiceProbe.class)
                .addBinding().to(DataProbeImpl.class));
    }
}
