package io.github.jamesp0f.contrib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * The p0f start-up files in contrib/, checked with the tools that exist for them:
 * systemd-analyze for the unit, shellcheck for the shell code of the upstart job and the FreeBSD
 * rc.d script. Each file must start p0f with the same settings: the socket in the run directory,
 * the SMTP ports filter, the slot count, an unprivileged user, and the project's signature
 * database (contrib/p0f/p0f.fp) where the file's install instructions put it.
 */
class ContribStartupFilesTest {

    static final Path SYSTEMD_UNIT = Paths.get("contrib/systemd/p0f.service");
    static final Path UPSTART_JOB = Paths.get("contrib/upstart/p0f.conf");
    static final Path FREEBSD_RC = Paths.get("contrib/freebsd/rc.d/p0f");
    static final Path DEMO_SCRIPT = Paths.get("contrib/demo/run.sh");
    static final String SMTP_FILTER = "dst port 25 or dst port 587 or dst port 465";
    static final String LINUX_DATABASE = "/etc/p0f/james-p0f.fp";
    static final String FREEBSD_DATABASE = "/usr/local/etc/james-p0f.fp";

    @Test
    void systemdUnitPassesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        Path tool = ExternalCommand.require("systemd-analyze", "systemd");
        // verify also checks that ExecStart's binary exists.
        assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/p0f")),
            "systemd-analyze verify needs /usr/sbin/p0f: apt-get install p0f");
        Path unit = Files.copy(SYSTEMD_UNIT, dir.resolve("p0f.service"));

        ExternalCommand verify = ExternalCommand.run(dir, tool.toString(), "verify", unit.toString());

        // verify exits 0 on unknown keys and bad values but prints them: any output is a finding.
        assertThat(verify.exitCode).as("%s", verify).isZero();
        assertThat(verify.output).as("systemd-analyze verify findings").isBlank();
    }

    @Test
    void systemdAnalyzeVerifyCatchesAMistakeInAUnit(@TempDir Path dir) throws Exception {
        Path tool = ExternalCommand.require("systemd-analyze", "systemd");
        String broken = read(SYSTEMD_UNIT).replace("RuntimeDirectoryMode=", "RuntimeDirectoryMod=");
        Path unit = Files.writeString(dir.resolve("p0f.service"), broken);

        ExternalCommand verify = ExternalCommand.run(dir, tool.toString(), "verify", unit.toString());

        assertThat(verify.output).contains("Unknown key 'RuntimeDirectoryMod'");
    }

    @Test
    void systemdUnitStartsP0fAsADaemonOnTheSmtpPortsWithSocketSlotsAndUser() throws IOException {
        String unit = read(SYSTEMD_UNIT);

        assertThat(unit).contains("Type=forking\n", "RuntimeDirectory=p0f\n", "RuntimeDirectoryMode=0750\n", "Group=james\n",
            "Environment=\"P0F_FILTER=" + SMTP_FILTER + "\"\n", "Environment=P0F_SLOTS=20\n");
        assertThat(unit).containsPattern("(?m)^ExecStart=/usr/sbin/p0f -d .*-s /run/p0f/p0f\\.sock -S \\$\\{P0F_SLOTS\\}"
            + " -u \\$\\{P0F_USER\\} \\$\\{P0F_FILTER\\}$");
    }

    @Test
    void everyStartupFileLoadsTheProjectsDatabaseWhereItsInstructionsInstallIt() throws IOException {
        String install = "install -m 0644 contrib/p0f/p0f.fp ";

        assertThat(read(SYSTEMD_UNIT)).contains(install + LINUX_DATABASE, "Environment=P0F_FINGERPRINTS=" + LINUX_DATABASE + "\n")
            .containsPattern("(?m)^ExecStart=/usr/sbin/p0f -d -f \\$\\{P0F_FINGERPRINTS\\} ");
        assertThat(read(UPSTART_JOB)).contains(install + LINUX_DATABASE, "env P0F_FINGERPRINTS=" + LINUX_DATABASE + "\n",
            "exec /usr/sbin/p0f -d -f \"$P0F_FINGERPRINTS\" ");
        assertThat(read(FREEBSD_RC)).contains(install + FREEBSD_DATABASE, ": \"${p0f_fingerprints:=" + FREEBSD_DATABASE + "}\"",
            "command_args=\"-d -f ${p0f_fingerprints} ", "required_files=\"${p0f_fingerprints}\"");
        assertThat(Files.isRegularFile(Paths.get("contrib/p0f/p0f.fp"))).as("the database the instructions install").isTrue();
    }

    @Test
    void upstartJobShellCodePassesShellcheck(@TempDir Path dir) throws Exception {
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");
        String job = read(UPSTART_JOB);
        List<String> blocks = scriptBlocks(job);
        assertThat(blocks).as("pre-start, main and post-stop scripts").hasSize(3);

        // Upstart runs each block with /bin/sh -e, its env stanzas already exported.
        StringBuilder script = new StringBuilder("#!/bin/sh\nset -e\n");
        for (String env : envStanzas(job)) {
            script.append("export ").append(env).append('\n');
        }
        for (String block : blocks) {
            script.append("(\n").append(block).append(")\n");
        }
        Path file = Files.writeString(dir.resolve("upstart-p0f.sh"), script.toString());

        ExternalCommand check = ExternalCommand.run(dir, shellcheck.toString(), "-s", "sh", "-x", file.toString());

        assertThat(check.exitCode).as("%s\n%s", check, script).isZero();
    }

    @Test
    void upstartJobStartsP0fAsADaemonOnTheSmtpPortsWithSocketSlotsAndUser() throws IOException {
        String job = read(UPSTART_JOB);

        assertThat(job).contains("env P0F_FILTER=\"" + SMTP_FILTER + "\"", "env P0F_SLOTS=20",
            "install -d -m 0750 -o root -g \"$P0F_GROUP\" /run/p0f",
            "expect fork\n", "exec /usr/sbin/p0f -d -f \"$P0F_FINGERPRINTS\" -i \"$P0F_INTERFACE\" -s /run/p0f/p0f.sock -S \"$P0F_SLOTS\" -u \"$P0F_USER\""
                + " \"$P0F_FILTER\"");
    }

    @Test
    void freebsdRcScriptPassesShellcheck(@TempDir Path dir) throws Exception {
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");

        ExternalCommand check = ExternalCommand.run(dir, shellcheck.toString(), FREEBSD_RC.toAbsolutePath().toString());

        assertThat(check.exitCode).as("%s", check).isZero();
        assertThat(Files.isExecutable(FREEBSD_RC)).as("rc.d scripts must be executable").isTrue();
    }

    @Test
    void demoScriptPassesShellcheck(@TempDir Path dir) throws Exception {
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");

        // -x: also the files it sources (contrib/demo/behind-proxy.sh).
        ExternalCommand check = ExternalCommand.run(dir, shellcheck.toString(), "-x", DEMO_SCRIPT.toAbsolutePath().toString());

        assertThat(check.exitCode).as("%s", check).isZero();
        assertThat(Files.isExecutable(DEMO_SCRIPT)).isTrue();
    }

    @Test
    void shellcheckFindsAMistakeInTheRcScript(@TempDir Path dir) throws Exception {
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");
        String broken = read(FREEBSD_RC).replace("[ -z \"${p0f_interface}\" ]", "[ -z ${p0f_interface} ]");
        Path file = Files.writeString(dir.resolve("p0f"), broken);

        ExternalCommand check = ExternalCommand.run(dir, shellcheck.toString(), file.toString());

        assertThat(check.output).contains("SC2086");
    }

    @Test
    void freebsdRcScriptStartsP0fAsADaemonOnTheSmtpPortsWithSocketSlotsAndUser() throws IOException {
        String rc = read(FREEBSD_RC);

        assertThat(rc).contains(": \"${p0f_filter:=" + SMTP_FILTER + "}\"", ": \"${p0f_slots:=20}\"",
            "p0f_dir=\"/var/run/p0f\"", "command_args=\"-d ", "install -d -m 0750 -o root -g \"${p0f_group}\" \"${p0f_dir}\"",
            "-s ${p0f_socket} -S ${p0f_slots} -u ${p0f_user} \\\"${p0f_filter}\\\"", "run_rc_command \"$1\"");
    }


    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The bodies of an upstart job's "script ... end script" blocks (main, pre-start, post-stop...). */
    private static List<String> scriptBlocks(String job) {
        return allMatches("(?ms)^(?:[a-z-]+ )?script\\n(.*?)^end script$", job);
    }

    private static List<String> envStanzas(String job) {
        return allMatches("(?m)^env (.*)$", job);
    }

    private static List<String> allMatches(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
