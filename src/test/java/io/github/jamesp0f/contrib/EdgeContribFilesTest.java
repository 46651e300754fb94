package io.github.jamesp0f.contrib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
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
 * contrib/edge/, p0f at the edge: its systemd units pass systemd-analyze verify, its HAProxy
 * configuration passes {@code haproxy -c}, and they agree with each other (the relay lets in
 * exactly the nodes HAProxy sends to, and takes fewer of p0f's slots than p0f has). The lab
 * script that runs them in the tests (contrib/tools/edge-lab.sh) passes shellcheck.
 */
class EdgeContribFilesTest {

    static final Path EDGE = Paths.get("contrib/edge");
    static final Path P0F_UNIT = EDGE.resolve("p0f-edge.service");
    static final Path RELAY_SOCKET = EDGE.resolve("p0f-api.socket");
    static final Path RELAY_SERVICE = EDGE.resolve("p0f-api.service");
    static final Path HAPROXY_CFG = EDGE.resolve("haproxy.cfg");
    static final Path LAB_SCRIPT = Paths.get("contrib/tools/edge-lab.sh");
    static final String PROXYD = "/lib/systemd/systemd-socket-proxyd";

    @Test
    void unitsPassSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        Path tool = ExternalCommand.require("systemd-analyze", "systemd");
        // verify also checks that each ExecStart's binary exists.
        assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/p0f")), "systemd-analyze verify needs /usr/sbin/p0f: apt-get install p0f");
        assumeTrue(Files.isExecutable(Paths.get(PROXYD)), "systemd-analyze verify needs " + PROXYD + " (systemd)");
        List<String> command = new ArrayList<>(List.of(tool.toString(), "verify"));
        for (Path unit : new Path[] {P0F_UNIT, RELAY_SOCKET, RELAY_SERVICE}) {
            command.add(Files.copy(unit, dir.resolve(unit.getFileName())).toString());
        }

        ExternalCommand verify = ExternalCommand.run(dir, command.toArray(new String[0]));

        assertThat(verify.exitCode).as("%s", verify).isZero();
        assertThat(verify.output).as("systemd-analyze verify findings").isBlank();
    }

    @Test
    void systemdAnalyzeVerifyCatchesAMistakeInTheSocket(@TempDir Path dir) throws Exception {
        Path tool = ExternalCommand.require("systemd-analyze", "systemd");
        Path socket = Files.writeString(dir.resolve("p0f-api.socket"),
            ContribStartupFilesTest.read(RELAY_SOCKET).replace("IPAddressAllow=", "IPAdressAllow="));
        Files.copy(RELAY_SERVICE, dir.resolve("p0f-api.service"));

        ExternalCommand verify = ExternalCommand.run(dir, tool.toString(), "verify", socket.toString());

        assertThat(verify.output).contains("Unknown key 'IPAdressAllow'");
    }

    @Test
    void haproxyConfigurationPassesHaproxyCheck(@TempDir Path dir) throws Exception {
        Path haproxy = ExternalCommand.require("haproxy", "haproxy");

        ExternalCommand check = ExternalCommand.run(dir, haproxy.toString(), "-c", "-f", HAPROXY_CFG.toAbsolutePath().toString());

        assertThat(check.exitCode).as("%s", check).isZero();
        assertThat(check.output).contains("Configuration file is valid").doesNotContain("WARNING");
    }

    @Test
    void haproxyCheckCatchesAMistake(@TempDir Path dir) throws Exception {
        Path haproxy = ExternalCommand.require("haproxy", "haproxy");
        Path broken = Files.writeString(dir.resolve("haproxy.cfg"),
            ContribStartupFilesTest.read(HAPROXY_CFG).replace("send-proxy-v2", "send-proxy-v3"));

        ExternalCommand check = ExternalCommand.run(dir, haproxy.toString(), "-c", "-f", broken.toString());

        assertThat(check.exitCode).isNotZero();
        assertThat(check.output).contains("send-proxy-v3");
    }

    @Test
    void haproxySendsProxyV2ToEveryNodeAndChecksThemWithAProxiedSessionNamingTheEdge() throws IOException {
        String config = ContribStartupFilesTest.read(HAPROXY_CFG);

        assertThat(servers(config)).isNotEmpty().allSatisfy(server -> assertThat(server).endsWith(" send-proxy-v2"));
        // Not HAProxy's own header on checks (v2 LOCAL, which James refuses), but a session of its own.
        assertThat(config).contains("balance roundrobin", "option tcp-check",
            "tcp-check send \"PROXY TCP4 198.51.100.10 203.0.113.10 1025 25\\r\\n\"\n    tcp-check expect rstring ^220\n"
                + "    tcp-check send \"QUIT\\r\\n\"\n    tcp-check expect rstring ^221\n    tcp-check expect ! rstring ^NEVER\n")
            .containsPattern("(?m)^    default-server check no-check-send-proxy ");
    }

    @Test
    void theRelayLetsInExactlyTheNodesHaproxySendsTo() throws IOException {
        String socket = ContribStartupFilesTest.read(RELAY_SOCKET);
        List<String> nodes = new ArrayList<>();
        for (String server : servers(ContribStartupFilesTest.read(HAPROXY_CFG))) {
            nodes.add(server.split(" ")[2].split(":")[0]);
        }

        assertThat(socket).contains("\nIPAddressDeny=any\n", "\nIPAddressAllow=" + String.join(" ", nodes) + "\n",
            "\nListenStream=198.51.100.10:2999\n");
        assertThat(ContribStartupFilesTest.read(HAPROXY_CFG)).as("the address the nodes list as the proxy")
            .contains("198.51.100.10   the edge's private address");
    }

    @Test
    void theRelayForwardsToP0fsSocketAndLeavesP0fSlotsToSpare() throws IOException {
        String relay = ContribStartupFilesTest.read(RELAY_SERVICE);
        String p0f = ContribStartupFilesTest.read(P0F_UNIT);

        Matcher proxyd = Pattern.compile("(?m)^ExecStart=" + Pattern.quote(PROXYD) + " --connections-max=(\\d+) (\\S+)$")
            .matcher(relay);
        assertThat(proxyd.find()).as("ExecStart of %s", RELAY_SERVICE).isTrue();
        assertThat(p0f).contains("-s " + proxyd.group(2) + " ");
        Matcher slots = Pattern.compile("(?m)^Environment=P0F_SLOTS=(\\d+)$").matcher(p0f);
        assertThat(slots.find()).isTrue();
        assertThat(Integer.parseInt(proxyd.group(1))).isLessThan(Integer.parseInt(slots.group(1)));
        assertThat(p0f).contains("Group=p0f-api\n", "RuntimeDirectoryMode=0750\n");
        assertThat(relay).contains("SupplementaryGroups=p0f-api\n", "PrivateNetwork=yes\n", "RestrictAddressFamilies=AF_UNIX\n");
    }

    @Test
    void theEdgesP0fRunsLikeTheJamesHostsOnTheSmtpPorts() throws IOException {
        String edge = ContribStartupFilesTest.read(P0F_UNIT);
        String host = ContribStartupFilesTest.read(ContribStartupFilesTest.SYSTEMD_UNIT);

        assertThat(execStart(edge)).isEqualTo(execStart(host));
        assertThat(edge).contains("Environment=\"P0F_FILTER=" + ContribStartupFilesTest.SMTP_FILTER + "\"\n",
            "Environment=P0F_FINGERPRINTS=" + ContribStartupFilesTest.LINUX_DATABASE + "\n",
            "install -m 0644 contrib/p0f/p0f.fp " + ContribStartupFilesTest.LINUX_DATABASE);
    }

    @Test
    void labScriptPassesShellcheck(@TempDir Path dir) throws Exception {
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");

        ExternalCommand check = ExternalCommand.run(dir, shellcheck.toString(), LAB_SCRIPT.toAbsolutePath().toString());

        assertThat(check.exitCode).as("%s", check).isZero();
        assertThat(Files.isExecutable(LAB_SCRIPT)).isTrue();
    }

    /** Its checks come before anything is made, so they need no root. */
    @Test
    void labScriptRefusesAddressesOutsideTheBenchmarkingRangeNamingThem(@TempDir Path dir) throws Exception {
        String script = LAB_SCRIPT.toAbsolutePath().toString();

        ExternalCommand privateRange = ExternalCommand.run(dir, script, "up", dir.resolve("lab").toString(),
            "--net", "192.168.1", "--node", "192.168.2.2:25");
        ExternalCommand gateway = ExternalCommand.run(dir, script, "up", dir.resolve("lab").toString(),
            "--net", "198.18.80", "--node", "198.18.81.1:25");

        assertThat(privateRange.exitCode).isEqualTo(2);
        assertThat(privateRange.output.trim())
            .isEqualTo("edge-lab.sh: --net takes A.B.C inside 198.18.0.0/15 with C even (e.g. 198.18.80), not '192.168.1'");
        assertThat(gateway.exitCode).isEqualTo(2);
        assertThat(gateway.output.trim()).contains("--node takes 198.18.81.N:PORT (N from 2 to 253), not '198.18.81.1:25'");
        assertThat(dir.resolve("lab/lab.env")).doesNotExist();
    }

    /** HAProxy's {@code server} lines. */
    private static List<String> servers(String config) {
        List<String> servers = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*(server \\S+ \\S+.*)$").matcher(config);
        while (m.find()) {
            servers.add(m.group(1).trim());
        }
        return servers;
    }

    private static String execStart(String unit) {
        Matcher m = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unit);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
