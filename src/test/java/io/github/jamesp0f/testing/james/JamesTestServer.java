package io.github.jamesp0f.testing.james;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.data.MemoryUsersRepositoryModule;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.ExtendedClassLoader;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.apache.mailet.Mail;

/**
 * A real in-memory James (the release this build tests: {@link #jamesVersion()}; SMTP and the mailet
 * container; webadmin on request, no IMAP/JMAP) inside a
 * JUnit test, with the packaged james-p0f jar copied into its extensions-jars the way an
 * administrator installs it. Start one per test class where you can (about 3 s each).
 *
 * <pre>
 *   static JamesTestServer james;
 *
 *   &#64;BeforeAll
 *   static void start() {
 *       int port = FreePorts.next();
 *       james = JamesTestServer.builder()
 *           .smtpServer(SampleConfigs.smtpServer(port, socketPath))        // conf-samples/james-<line>/smtpserver.xml, edited
 *           .mailetContainer(SampleConfigs.mailetContainer())              // conf-samples/james-<line>/mailetcontainer.xml, edited
 *           .user("sender@example.test", "secret")
 *           .start();
 *   }
 *   ... SmtpTestClient.connect(james, "127.0.0.77").sendMail(...);
 *       Mail delivered = james.awaitMails(SampleConfigs.DELIVERED, 1).get(0);
 * </pre>
 */
public final class JamesTestServer implements AutoCloseable {

    public static final String DOMAIN = "example.test";
    public static final Duration DEFAULT_AWAIT = Duration.ofSeconds(20);

    private final GuiceJamesServer server;
    private final Path workingDirectory;
    private final InetAddress smtpAddress;

    private JamesTestServer(GuiceJamesServer server, Path workingDirectory, InetAddress smtpAddress) {
        this.server = server;
        this.workingDirectory = workingDirectory;
        this.smtpAddress = smtpAddress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The James line this build tests, "3.8" or "3.9" (the pom passes it to the tests). */
    public static String jamesLine() {
        return System.getProperty("james.line", "3.8");
    }

    /** The James release the integration tests start, e.g. "3.8.2" (failsafe passes it). */
    public static String jamesVersion() {
        return System.getProperty("james.version", "unknown");
    }

    /** Where clients connect (127.0.0.1 unless the test binds elsewhere). */
    public InetAddress smtpAddress() {
        return smtpAddress;
    }

    public int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public GuiceJamesServer guiceServer() {
        return server;
    }

    /** The webadmin port, when the builder asked for {@link Builder#webAdmin webadmin}. */
    public int webAdminPort() {
        return server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    public <T extends org.apache.james.utils.GuiceProbe> T probe(Class<T> probe) {
        return server.getProbe(probe);
    }

    /** Every mail in a repository such as {@code memory://var/mail/delivered/}, oldest key order not guaranteed. */
    public List<Mail> mails(String repository) {
        MailRepositoryProbeImpl probe = server.getProbe(MailRepositoryProbeImpl.class);
        MailRepositoryUrl url = MailRepositoryUrl.from(repository);
        try {
            List<Mail> mails = new ArrayList<>();
            for (MailKey key : probe.listMailKeys(url)) {
                mails.add(probe.getMail(url, key));
            }
            return mails;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + repository, e);
        }
    }

    /** Waits until the repository holds at least {@code count} mails and returns them. */
    public List<Mail> awaitMails(String repository, int count) {
        return awaitMails(repository, count, DEFAULT_AWAIT);
    }

    public List<Mail> awaitMails(String repository, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Mail> mails = repositoryExists(repository) ? mails(repository) : List.of();
            if (mails.size() >= count) {
                return mails;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " mails in " + repository + " within " + timeout
                    + ", found " + mails.size());
            }
            sleep(20);
        }
    }

    /** Empties a repository, so that each test reads only its own mail. */
    public void clear(String repository) {
        if (!repositoryExists(repository)) {
            return;
        }
        try {
            server.getProbe(MailRepositoryProbeImpl.class).getMailRepositoryStore()
                .get(MailRepositoryUrl.from(repository)).ifPresent(r -> {
                    try {
                        r.removeAll();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        } catch (Exception e) {
            throw new IllegalStateException("cannot clear " + repository, e);
        }
    }

    private boolean repositoryExists(String repository) {
        return server.getProbe(MailRepositoryProbeImpl.class).listRepositoryUrls()
            .contains(MailRepositoryUrl.from(repository));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            deleteRecursively(workingDirectory);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temp folder left behind is not worth failing a test for.
        }
    }

    public static final class Builder {
        private XmlConfig smtpServer;
        private XmlConfig mailetContainer;
        private boolean installExtension = true;
        private List<String> webAdminRoutes;
        private InetAddress smtpAddress;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, String> confFiles = new LinkedHashMap<>();

        private Builder() {
            try {
                smtpAddress = InetAddress.getByName("127.0.0.1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** conf/smtpserver.xml. */
        public Builder smtpServer(XmlConfig config) {
            this.smtpServer = config;
            return this;
        }

        /** conf/mailetcontainer.xml. */
        public Builder mailetContainer(XmlConfig config) {
            this.mailetContainer = config;
            return this;
        }

        /** Any other file in conf/, e.g. a blocklist file read as file://conf/NAME. */
        public Builder confFile(String name, String content) {
            confFiles.put(name, content);
            return this;
        }

        /** A user of domain {@value #DOMAIN} (for AUTH, and as a local recipient). */
        public Builder user(String address, String password) {
            users.put(address, password);
            return this;
        }

        /** Where clients should connect; match it with the bind element of smtpServer. */
        public Builder smtpAddress(InetAddress address) {
            this.smtpAddress = address;
            return this;
        }

        /**
         * Also starts James's webadmin on 127.0.0.1 (random port, no authentication), loading
         * {@code extensionRoutes} (fully qualified Routes classes, e.g. from extensions-jars) the
         * way administrators do, through webadmin.properties {@code extensions.routes}.
         */
        public Builder webAdmin(String... extensionRoutes) {
            this.webAdminRoutes = List.of(extensionRoutes);
            return this;
        }

        /** James without james-p0f (for baselines): nothing in extensions-jars. */
        public Builder withoutExtension() {
            this.installExtension = false;
            return this;
        }

        /** Starts James; on failure stops what started, cleans up and rethrows James's exception. */
        /**
         * James 3.9 caches the classes it locates in extensions-jars JVM-wide (a static map in
         * ExtendedClassLoader, keyed by class name). In production one James runs per JVM; here a
         * second James would reuse an earlier James's copy of the classes it met before and load the
         * rest from its own jar, so two copies of a singleton (P0fClients) would meet: the status
         * route would see none of the handler's clients. Each test James must load the jar as a
         * freshly started James does. James 3.8 has no such cache.
         */
        private static void forgetExtensionClassesOfEarlierServers() {
            try {
                Field cache = ExtendedClassLoader.class.getDeclaredField("cache");
                cache.setAccessible(true);
                ((Map<?, ?>) cache.get(null)).clear();
            } catch (NoSuchFieldException noCacheBefore39) {
                // nothing to forget
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot clear James's extension class cache", e);
            }
        }

        public JamesTestServer start() throws Exception {
            if (smtpServer == null || mailetContainer == null) {
                throw new IllegalStateException("smtpServer and mailetContainer configurations are required");
            }
            ExtensionJar.assertNotOnTestClasspath();
            forgetExtensionClassesOfEarlierServers();
            // James calls System.exit(1) on a start-up error unless told otherwise: that would kill the test JVM.
            System.setProperty("james.exit.on.startup.error", "false");
            Path workingDirectory = Files.createTempDirectory("james-p0f-it");
            GuiceJamesServer server = null;
            Set<ObjectName> mbeansBefore = jamesMBeans();
            try {
                writeWorkingDirectory(workingDirectory);
                Configuration configuration = Configuration.builder().workingDirectory(workingDirectory.toFile()).build();
                server = GuiceJamesServer.forConfiguration(configuration)
                    .combineWith(MemoryJamesServerMain.SMTP_ONLY_MODULE)
                    .combineWith(new MemoryUsersRepositoryModule());
                if (webAdminRoutes != null) {
                    server = server.combineWith(new WebAdminServerModule(), new NoJwtModule());
                }
                server.start();
                DataProbeImpl data = server.getProbe(DataProbeImpl.class);
                if (!data.containsDomain(DOMAIN)) {
                    data.addDomain(DOMAIN);
                }
                for (Map.Entry<String, String> user : users.entrySet()) {
                    data.addUser(user.getKey(), user.getValue());
                }
                return new JamesTestServer(server, workingDirectory, smtpAddress);
            } catch (Exception | Error e) {
                if (server != null) {
                    try {
                        server.stop();
                    } catch (RuntimeException stopFailure) {
                        e.addSuppressed(stopFailure);
                    }
                }
                forgetMBeansRegisteredSince(mbeansBefore);
                deleteRecursively(workingDirectory);
                throw e;
            }
        }

        // A start that fails half way leaves James's MBeans registered (stop() does not undo them),
        // and the next test class's James in this JVM would then fail with "Unable to register mbean".
        private static Set<ObjectName> jamesMBeans() {
            try {
                return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.james:*"), null);
            } catch (MalformedObjectNameException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void forgetMBeansRegisteredSince(Set<ObjectName> before) {
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : jamesMBeans()) {
                if (!before.contains(name)) {
                    try {
                        mbeans.unregisterMBean(name);
                    } catch (InstanceNotFoundException | MBeanRegistrationException alreadyGone) {
                        // nothing left to forget
                    }
                }
            }
        }

        private void writeWorkingDirectory(Path directory) throws IOException {
            Path conf = Files.createDirectories(directory.resolve("conf"));
            smtpServer.writeTo(conf.resolve("smtpserver.xml"));
            mailetContainer.writeTo(conf.resolve("mailetcontainer.xml"));
            write(conf, "dnsservice.xml", "<dnsservice><autodiscover>true</autodiscover>"
                + "<authoritative>false</authoritative><maxcachesize>50000</maxcachesize></dnsservice>");
            write(conf, "domainlist.xml", "<domainlist><autodetect>false</autodetect><autodetectIP>false</autodetectIP>"
                + "<defaultDomain>" + DOMAIN + "</defaultDomain></domainlist>");
            write(conf, "mailrepositorystore.xml", "<mailrepositorystore><mailrepository"
                + " class=\"org.apache.james.mailrepository.memory.MemoryMailRepository\"><protocols>"
                + "<protocol>memory</protocol></protocols></mailrepository></mailrepositorystore>");
            write(conf, "usersrepository.xml", "<usersrepository name=\"LocalUsers\"><algorithm>PBKDF2-SHA512</algorithm>"
                + "<enableVirtualHosting>true</enableVirtualHosting><enableForwarding>true</enableForwarding>"
                + "</usersrepository>");
            if (webAdminRoutes != null) {
                write(conf, "webadmin.properties", "enabled=true\nport=0\nhost=127.0.0.1\nhttps.enabled=false\n"
                    + "jwt.enabled=false\nextensions.routes=" + String.join(",", webAdminRoutes) + "\n");
            }
            for (Map.Entry<String, String> file : confFiles.entrySet()) {
                write(conf, file.getKey(), file.getValue());
            }
            Path extensions = Files.createDirectories(directory.resolve("extensions-jars"));
            if (installExtension) {
                Path jar = ExtensionJar.path();
                Files.copy(jar, extensions.resolve(jar.getFileName()));
            }
        }

        private static void write(Path folder, String name, String content) throws IOException {
            Files.write(folder.resolve(name), content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
