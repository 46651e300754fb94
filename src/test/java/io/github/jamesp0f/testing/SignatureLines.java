package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code sig} lines of a p0f database's {@code [tcp:request]} section, each with its label, read
 * as plain text (not by the matcher the tests check): the label suite and the SYN oracle build their
 * SYNs from them.
 */
public final class SignatureLines {

    private SignatureLines() {
    }

    /** One {@code sig} line and the {@code label} it stands under. */
    public static final class Line {
        public final int number;
        public final String label;
        public final String sig;

        Line(int number, String label, String sig) {
            this.number = number;
            this.label = label;
            this.sig = sig;
        }

        /** What p0f says for a SYN this line matches: "os_name os_flavor", or the name alone. */
        public String os() {
            String[] parts = label.split(":", 4);
            return parts[3].isEmpty() ? parts[2] : parts[2] + " " + parts[3];
        }

        public boolean generic() {
            return label.startsWith("g:");
        }

        /** The same label and signature: where a line stands in its file does not matter. */
        public boolean sameAs(Line other) {
            return label.equals(other.label) && sig.equals(other.sig);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Line && sameAs((Line) o);
        }

        @Override
        public int hashCode() {
            return Objects.hash(label, sig);
        }

        @Override
        public String toString() {
            return "line " + number + " [" + label + "] " + sig;
        }
    }

    public static List<Line> tcpRequest(Path database) {
        List<String> text;
        try {
            text = Files.readAllLines(database, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read p0f's database " + database, e);
        }
        List<Line> lines = new ArrayList<>();
        boolean inSection = false;
        String label = null;
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).trim();
            if (line.startsWith("[")) {
                inSection = line.equals("[tcp:request]");
            } else if (inSection && line.startsWith("label")) {
                label = value(line);
            } else if (inSection && line.startsWith("sig")) {
                if (label == null) {
                    throw new IllegalStateException(database + " line " + (i + 1) + ": a sig before any label");
                }
                lines.add(new Line(i + 1, label, value(line)));
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException(database + " has no [tcp:request] signatures");
        }
        return lines;
    }

    private static String value(String line) {
        return line.substring(line.indexOf('=') + 1).trim();
    }
}
