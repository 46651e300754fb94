package io.github.jamesp0f.cli;

import java.io.PrintStream;
import java.util.Set;

/** One sub-command of the tool. */
interface Command {

    String name();

    /** The usage lines for this command, without a trailing newline. */
    String usage();

    /** Option names (without dashes) that take a value. */
    Set<String> valueOptions();

    /** Option names that take none. */
    default Set<String> flagOptions() {
        return Set.of();
    }

    /** @return the exit code (see {@link ExitCode}) */
    int run(Arguments arguments, PrintStream out, PrintStream err) throws UsageException, P0fUnavailableException;
}
