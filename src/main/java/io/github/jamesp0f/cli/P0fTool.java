package io.github.jamesp0f.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The command-line tool of the james-p0f jar ({@code java -jar james-p0f.jar COMMAND ...}), for
 * administrators checking their set-up: {@code query}, {@code check} and {@code bench}. Errors are
 * one line on stderr, never a stack trace; the exit code says what happened (see {@link ExitCode}).
 */
public final class P0fTool {

    static final String NAME = "james-p0f";
    private static final String INVOCATION = "java -jar james-p0f.jar";
    private static final List<Command> COMMANDS = List.of(new QueryCommand(), new CheckCommand(), new BenchCommand());

    private P0fTool() {
    }

    public static void main(String[] args) {
        silenceLibraryLogging();
        int exitCode = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(exitCode);
    }

    /** Runs one command line; returns the exit code. Never throws. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return dispatch(args, out, err);
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage() + " (see: " + INVOCATION + " help)");
            return ExitCode.USAGE;
        } catch (P0fUnavailableException e) {
            err.println(NAME + ": " + e.getMessage());
            return ExitCode.P0F_FAILED;
        } catch (RuntimeException | Error e) {
            err.println(NAME + ": internal error, please report: " + oneLine(e));
            return ExitCode.INTERNAL_ERROR;
        }
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err)
        throws UsageException, P0fUnavailableException {
        if (args.length == 0) {
            err.print(usage());
            return ExitCode.USAGE;
        }
        String name = args[0];
        if (isHelp(name)) {
            out.print(usage());
            return ExitCode.OK;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst()
            .orElseThrow(() -> new UsageException("unknown command \"" + name + "\"; the commands are query, "
                + "check and bench"));
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.stream().anyMatch(P0fTool::isHelp)) {
            out.println("usage: " + INVOCATION + " " + command.usage());
            return ExitCode.OK;
        }
        Arguments arguments = Arguments.parse(command.name(), rest, command.valueOptions(), command.flagOptions());
        return command.run(arguments, out, err);
    }

    private static boolean isHelp(String argument) {
        return "help".equals(argument) || "--help".equals(argument) || "-h".equals(argument);
    }

    static String usage() {
        StringBuilder usage = new StringBuilder("usage: " + INVOCATION + " COMMAND [OPTIONS]\n\n");
        for (Command command : COMMANDS) {
            usage.append("  ").append(command.usage().replace("\n", "\n  ")).append("\n\n");
        }
        return usage
            .append("Exit codes: 0 done (a match; p0f answers; benchmark complete), 1 no match,\n")
            .append("  2 usage error, 3 p0f unavailable or failed, 4 internal error.\n")
            .toString();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.replaceAll("\\s+", " "));
    }

    /**
     * The libraries the jar bundles (junixsocket) log through java.util.logging: a command-line
     * tool prints its own one-line errors and nothing else.
     */
    private static void silenceLibraryLogging() {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(Level.OFF);
    }
}
