package io.github.jamesp0f.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrong command lines: exit 2 and one line on stderr naming what was wrong, before p0f is asked. */
class P0fToolUsageTest {

    @Test
    void noArgumentsPrintsUsageToStderr() {
        ToolRun run = ToolRun.of();

        assertThat(run.exitCode).isEqualTo(ExitCode.USAGE);
        assertThat(run.err).contains("query (--socket PATH | --p0f-address IP:PORT) ADDRESS").contains("Exit codes:");
        assertThat(run.out).isEmpty();
    }

    @Test
    void helpPrintsUsageToStdout() {
        ToolRun run = ToolRun.of("help");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("check (--socket PATH | --p0f-address IP:PORT)")
            .contains("bench (--socket PATH | --p0f-address IP:PORT) --address ADDRESS");
    }

    @Test
    void commandHelpPrintsThatCommandsUsage() {
        ToolRun run = ToolRun.of("bench", "--help");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).startsWith("usage: java -jar james-p0f.jar bench").contains("lookups/s: X p50_us: Y");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "frobnicate | unknown command \"frobnicate\"",
        "query 192.0.2.1 | query needs --socket",
        "query --socket /run/p0f.sock | query needs ADDRESS",
        "query --socket /run/p0f.sock 192.0.2.1 192.0.2.2 | unexpected argument \"192.0.2.2\" for query",
        "query --socket /run/p0f.sock --colour 192.0.2.1 | unknown option --colour for query",
        "query --socket /run/p0f.sock mail.example.com | ADDRESS \"mail.example.com\" is not an IP address",
        "query --socket /run/p0f.sock 192.0.2.256 | 256 is over 255",
        "query --socket /run/p0f.sock 192.0.2.1 --timeout 0 | --timeout must be greater than zero, not 0ms",
        "query --socket /run/p0f.sock 192.0.2.1 --timeout -5 | --timeout must be a duration such as 500ms or 2s (a bare number is milliseconds), not '-5'",
        "query --socket /run/p0f.sock 192.0.2.1 --timeout soon | --timeout must be a duration such as 500ms or 2s",
        "query --socket /run/p0f.sock 192.0.2.1 --version 4 | --version must be 3 (p0f 3.x, p0f -s) or 2 (p0f 2.0.x, p0f -Q), not \"4\"",
        "query --socket /run/p0f.sock 192.0.2.1 --version 2 | p0f v2 looks up whole connections",
        "query --socket /run/p0f.sock 192.0.2.1 --local-address 192.0.2.9 | --local-address is for --version 2 only",
        "query --socket /run/p0f.sock 192.0.2.1:99999 --version 2 --local-address 192.0.2.9:25 | the port must be a number from 1 to 65535",
        "query --socket | --socket needs a value",
        "query --socket= 192.0.2.1 | --socket must not be empty",
        "query --json=yes --socket /run/p0f.sock 192.0.2.1 | --json takes no value",
        "query --socket a --socket b 192.0.2.1 | --socket is given twice",
        "query --socket /run/p0f.sock 192.0.2.1 --timeout 400d | --timeout must be at most 365 days",
        "check --socket /run/p0f.sock extra | unexpected argument \"extra\" for check",
        "bench --socket /run/p0f.sock --address 192.0.2.1 | bench needs --lookups",
        "bench --socket /run/p0f.sock --lookups 10 | bench needs --address",
        "bench --socket /run/p0f.sock --address 192.0.2.1 --lookups 10 --concurrency 0 | --concurrency must be between 1 and 1024, not 0",
        "bench --socket /run/p0f.sock --address 192.0.2.1 --lookups 10 --connections 11 | --connections must be between 1 and 10",
        "query 192.0.2.1 | query needs --socket PATH (p0f's unix socket) or --p0f-address IP:PORT",
        "query --socket /run/p0f.sock --p0f-address 127.0.0.1:2999 192.0.2.1 | give --socket or --p0f-address, not both",
        "query --p0f-address p0f.example:2999 192.0.2.1 | --p0f-address \"p0f.example:2999\" is not an IP address",
        "check --p0f-address 127.0.0.1 | --p0f-address \"127.0.0.1\" has no port",
        "check --p0f-address [::1]:70000 | --p0f-address \"[::1]:70000\": the port must be a number from 1 to 65535",
        "check --p0f-address= | --p0f-address must not be empty",
        "check --p0f-address 127.0.0.1:2999 --version 2 | --p0f-address is for p0f 3 only",
        "bench --p0f-address 127.0.0.1:2999 --address 192.0.2.1 | bench needs --lookups",
    })
    void wrongCommandLineIsOneLineNamingTheProblem(String commandLine, String expected) {
        ToolRun run = ToolRun.of(commandLine.trim().split(" +"));

        assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err).startsWith("james-p0f: ").contains(expected).endsWith(System.lineSeparator());
        assertThat(run.err.trim()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }
}
