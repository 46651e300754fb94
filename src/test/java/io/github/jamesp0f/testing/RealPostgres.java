package io.github.jamesp0f.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL cluster for one test class (or a benchmark): initdb into a temp folder,
 * pg_ctl start on 127.0.0.1 and a free port with its socket in that folder, one database, then
 * pg_ctl stop and, if that fails, a kill of the postmaster by its own PID. The system cluster is
 * never touched. As root, the server runs as the {@code postgres} user (PostgreSQL refuses root).
 *
 * <p>Use as {@code @RegisterExtension static final RealPostgres POSTGRES = new RealPostgres();}:
 * tests are skipped with a message when the binaries (/usr/lib/postgresql/N/bin) are missing.
 */
public final class RealPostgres implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final Path INSTALLS = Paths.get("/usr/lib/postgresql");
    private static final String DATABASE = "greylist";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final boolean durable;
    private Path binaries;
    private Path home;
    private int port;
    private boolean asPostgresUser;

    /** Fast settings for tests: fsync off. */
    public RealPostgres() {
        this(false);
    }

    /** {@code durable}: keep PostgreSQL's default fsync and commit settings (benchmarks). */
    public RealPostgres(boolean durable) {
        this.durable = durable;
    }

    /** The installed PostgreSQL binaries, newest version first; empty when none. */
    public static Optional<Path> findBinaries() {
        if (!Files.isDirectory(INSTALLS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(INSTALLS)) {
            return versions.map(version -> version.resolve("bin"))
                .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                .max(Comparator.comparing(bin -> versionOf(bin)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> found = findBinaries();
        Assumptions.assumeTrue(found.isPresent(),
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql");
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(!root || userExists("postgres"),
            "running as root, but there is no 'postgres' user to run PostgreSQL as");
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts the cluster; throws when PostgreSQL is missing or fails to start. */
    public void start() throws IOException, InterruptedException, SQLException {
        binaries = findBinaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed"));
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        home = Files.createTempDirectory("james-p0f-pg");
        if (asPostgresUser) {
            run(List.of("chown", "postgres:postgres", home.toString()), false, 30);
        }
        Path data = home.resolve("data");
        run(List.of(binaries.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync"), true, 120);
        port = FreePorts.next();
        String options = "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c max_connections=100"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        run(List.of(binaries.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", options,
            "-l", home.resolve("postgres.log").toString(), "-w", "-t", "60", "start"), true, 90);
        try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        }
    }

    /** JDBC URL of the test database. */
    public String url() {
        return url(DATABASE);
    }

    /** A fresh, empty database in this cluster, for tests that must not see each other's rows. */
    public String newDatabaseUrl() throws SQLException {
        String name = "db" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String user() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        if (home == null) {
            return;
        }
        Path data = home.resolve("data");
        Optional<Long> pid = postmasterPid(data);
        try {
            run(List.of(binaries.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "30",
                "stop"), true, 60);
        } catch (IOException | RuntimeException e) {
            System.err.println("pg_ctl stop failed (" + e.getMessage() + "), killing the postmaster by its PID");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pid.flatMap(ProcessHandle::of).ifPresent(postmaster -> {
            postmaster.destroyForcibly();
            postmaster.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        });
        deleteQuietly(home);
        home = null;
    }

    private static Optional<Long> postmasterPid(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void run(List<String> command, boolean asPostgres, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && asPostgresUser) {
            full.addAll(Arrays.asList("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("james-p0f-pg", ".out");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", full) + " exited with " + process.exitValue() + ": "
                    + Files.readString(output) + logTail());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String logTail() {
        try {
            Path log = home.resolve("postgres.log");
            return Files.exists(log) ? "\npostgres.log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean userExists(String name) {
        try {
            return Files.readAllLines(Paths.get("/etc/passwd")).stream().anyMatch(line -> line.startsWith(name + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
