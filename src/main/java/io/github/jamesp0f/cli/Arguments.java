package io.github.jamesp0f.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One command's options and operands, parsed against the options that command accepts.
 * Options are {@code --name value} or {@code --name=value}; flags take no value.
 */
final class Arguments {

    private final String command;
    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> operands;

    private Arguments(String command, Map<String, String> values, Set<String> flags, List<String> operands) {
        this.command = command;
        this.values = values;
        this.flags = flags;
        this.operands = operands;
    }

    /**
     * @param valueOptions option names (without dashes) that take a value
     * @param flagOptions  option names that take none
     */
    static Arguments parse(String command, List<String> tokens, Set<String> valueOptions, Set<String> flagOptions)
        throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("--") || token.length() == 2) {
                operands.add(token);
                continue;
            }
            int equals = token.indexOf('=');
            String name = token.substring(2, equals < 0 ? token.length() : equals);
            if (flagOptions.contains(name)) {
                if (equals >= 0) {
                    throw new UsageException("--" + name + " takes no value");
                }
                flags.add(name);
            } else if (valueOptions.contains(name)) {
                String value;
                if (equals >= 0) {
                    value = token.substring(equals + 1);
                } else if (i + 1 < tokens.size()) {
                    value = tokens.get(++i);
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
                if (values.put(name, value) != null) {
                    throw new UsageException("--" + name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option --" + name + " for " + command);
            }
        }
        return new Arguments(command, values, flags, Collections.unmodifiableList(operands));
    }

    String command() {
        return command;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) throws UsageException {
        return required(name, null);
    }

    /** @param alternatives how the error goes on after "needs --NAME", when the option is missing */
    String required(String name, String alternatives) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            throw new UsageException(command + " needs --" + name + (alternatives == null ? "" : " " + alternatives));
        }
        if (value.isEmpty()) {
            throw new UsageException("--" + name + " must not be empty");
        }
        return value;
    }

    /** A whole number within {@code [min, max]}, or {@code fallback} when the option is absent. */
    long number(String name, long fallback, long min, long max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not \"" + text + "\"");
        }
        if (value < min || value > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    List<String> operands() {
        return operands;
    }

    /** Fails unless there are exactly as many operands as {@code names} names. */
    void requireOperands(String... names) throws UsageException {
        if (operands.size() < names.length) {
            throw new UsageException(command + " needs " + String.join(" ", names));
        }
        if (operands.size() > names.length) {
            throw new UsageException("unexpected argument \"" + operands.get(names.length) + "\" for " + command);
        }
    }
}
