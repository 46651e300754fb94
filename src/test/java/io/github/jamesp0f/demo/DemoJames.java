package io.github.jamesp0f.demo;

import java.nio.file.Path;
import java.nio.file.Paths;
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
 * The demo's James: an in-memory James 3.8.1 with SMTP, IMAP and webadmin, reading conf/ and
 * extensions-jars/ from the working directory given as first argument, the way a packaged James
 * does. Creates the demo user, prints one "READY ..." line with the bound ports, and runs until
 * the JVM is told to stop (SIGTERM/SIGINT), stopping James cleanly.
 *
 * <p>Arguments: working-directory user password. Not part of the extension: demo and test support.
 */
public final class DemoJames {

    private DemoJames() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: DemoJames <working directory> <user@domain> <password>");
            System.exit(2);
        }
        Path workingDirectory = Paths.get(args[0]).toAbsolutePath();
        String user = args[1];
        String password = args[2];

        GuiceJamesServer server = create(workingDirectory);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "demo-james-stop"));
        try {
            server.start();
            addUser(server, user, password);
        } catch (Exception e) {
            // Non-daemon threads would keep a half-started James alive: stop, and say why.
            e.printStackTrace();
            System.out.println("FAILED " + e);
            System.exit(1);
        }

        System.out.println("READY smtp=" + server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue()
            + " imap=" + server.getProbe(ImapGuiceProbe.class).getImapPort()
            + " webadmin=" + server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
        System.out.flush();
        stopped.await();
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
