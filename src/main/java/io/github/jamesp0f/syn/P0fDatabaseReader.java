package io.github.jamesp0f.syn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads p0f.fp line by line with p0f's rules for the parts SYN matching uses: the {@code classes}
 * directive, and the {@code label}, {@code sys} and {@code sig} lines of {@code [tcp:request]} and
 * {@code [mtu]}. Lines of the other sections ({@code [tcp:response]}, {@code [http:...]}) are
 * skipped. Every problem is a {@link P0fDatabaseException} naming the line.
 */
final class P0fDatabaseReader {

    private static final Pattern STATEMENT = Pattern.compile("([a-z_]+)[ \\t]*=[ \\t]*(.*)");
    private static final Set<String> MODULES = Set.of("tcp", "http");
    private static final Set<String> DIRECTIONS = Set.of("request", "response");

    private enum Section { NONE, MTU, TCP_REQUEST, SKIPPED }

    private final String source;
    private final Set<String> classes = new LinkedHashSet<>();
    private final List<TcpSignature> signatures = new ArrayList<>();
    private final Map<Integer, String> linkTypes = new LinkedHashMap<>();
    private Section section = Section.NONE;
    private int lineNumber;
    private SignatureLabel label;
    private String mtuLabel;
    /** Whether the current label has signatures yet: its sys line must come before them. */
    private boolean labelHasSignatures;

    P0fDatabaseReader(String source) {
        this.source = source;
    }

    void accept(String rawLine) {
        lineNumber++;
        String line = rawLine.stripLeading();
        if (line.isEmpty() || line.startsWith(";")) {
            return;
        }
        try {
            if (line.startsWith("[")) {
                enterSection(line);
            } else if (section != Section.SKIPPED) {
                statement(line);
            }
        } catch (IllegalArgumentException e) {
            throw new P0fDatabaseException(source, lineNumber, e.getMessage() + ", in '" + rawLine + "'");
        }
    }

    P0fDatabase finish() {
        if (signatures.isEmpty()) {
            throw new P0fDatabaseException(source, 0, "no [tcp:request] signatures: is this p0f's p0f.fp?");
        }
        return new P0fDatabase(source, signatures, new MtuTable(linkTypes));
    }

    private void enterSection(String line) {
        if (!line.endsWith("]")) {
            throw new IllegalArgumentException("a section header must end with ]");
        }
        String name = line.substring(1, line.length() - 1);
        label = null;
        mtuLabel = null;
        if (name.equals("mtu")) {
            section = Section.MTU;
            return;
        }
        String[] parts = name.split(":", -1);
        if (parts.length != 2 || !MODULES.contains(parts[0]) || !DIRECTIONS.contains(parts[1])) {
            throw new IllegalArgumentException("unknown section [" + name + "]: p0f knows [mtu], [tcp:request],"
                + " [tcp:response], [http:request] and [http:response]");
        }
        section = name.equals("tcp:request") ? Section.TCP_REQUEST : Section.SKIPPED;
    }

    private void statement(String line) {
        Matcher statement = STATEMENT.matcher(line);
        if (!statement.matches()) {
            throw new IllegalArgumentException("not a 'name = value' line, a [section] or a ; comment");
        }
        String name = statement.group(1);
        String value = statement.group(2);
        if (name.equals("classes")) {
            if (section != Section.NONE) {
                throw new IllegalArgumentException("'classes' must come before the first section");
            }
            Arrays.stream(value.split(",")).map(String::strip).filter(c -> !c.isEmpty()).forEach(classes::add);
        } else if (section == Section.NONE) {
            throw new IllegalArgumentException("'" + name + "' outside any section");
        } else if (section == Section.MTU) {
            mtuStatement(name, value);
        } else {
            tcpStatement(name, value);
        }
    }

    private void mtuStatement(String name, String value) {
        if (name.equals("label")) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("an [mtu] label must not be empty");
            }
            mtuLabel = value;
        } else if (name.equals("sig")) {
            if (mtuLabel == null) {
                throw new IllegalArgumentException("an [mtu] sig must follow a label");
            }
            linkTypes.putIfAbsent(TcpSignatureParser.number(value, 1, 65535, "MTU"), mtuLabel);
        } else {
            throw new IllegalArgumentException("'" + name + "' does not belong in [mtu] (label and sig do)");
        }
    }

    private void tcpStatement(String name, String value) {
        switch (name) {
            case "label":
                label = SignatureLabel.parse(value, classes);
                labelHasSignatures = false;
                break;
            case "sys":
                if (label == null || !label.isApplication() || labelHasSignatures || !label.systems().isEmpty()) {
                    throw new IllegalArgumentException("a sys line belongs right after an application's label"
                        + " (class !), once");
                }
                label = label.withSystems(systems(value));
                break;
            case "sig":
                if (label == null) {
                    throw new IllegalArgumentException("a sig must follow a label");
                }
                if (label.isApplication() && label.systems().isEmpty()) {
                    throw new IllegalArgumentException("an application's label (class !) needs a sys line before"
                        + " its signatures");
                }
                signatures.add(TcpSignatureParser.parse(value, label, lineNumber));
                labelHasSignatures = true;
                break;
            default:
                throw new IllegalArgumentException("'" + name + "' does not belong in [tcp:request]"
                    + " (label, sys and sig do)");
        }
    }

    private List<String> systems(String value) {
        List<String> systems = new ArrayList<>();
        for (String system : value.split(",")) {
            String entry = system.strip();
            if (entry.startsWith("@") && !classes.contains(entry.substring(1))) {
                throw new IllegalArgumentException("the sys entry '" + entry + "' names a class not declared by"
                    + " 'classes = " + String.join(",", classes) + "'");
            }
            if (!entry.isEmpty()) {
                systems.add(entry);
            }
        }
        if (systems.isEmpty()) {
            throw new IllegalArgumentException("a sys line lists at least one system");
        }
        return systems;
    }
}
