package io.github.jamesp0f.labels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The label suite's table: every SYN it sent, what stock p0f and p0f with the shipped database
 * called it. Printed, and written to target/ (docs/labels.md keeps a copy).
 */
final class LabelTable {

    private final String title;
    private final List<String> rows = new ArrayList<>();

    LabelTable(String title) {
        this.title = title;
    }

    void add(String syn, String rawSig, String stock, String shipped) {
        rows.add("| " + syn + " | `" + rawSig + "` | " + stock + " | " + shipped + " |");
    }

    /** Prints the table and writes it to target/{@code fileName}. */
    void publish(String fileName) {
        StringBuilder table = new StringBuilder("### " + title + "\n\n")
            .append("| SYN | raw_sig p0f logged | stock p0f 3.09b | contrib/p0f/p0f.fp |\n|---|---|---|---|\n");
        rows.forEach(row -> table.append(row).append('\n'));
        System.out.println(table);
        Path target = Paths.get(System.getProperty("basedir", "."), "target", fileName);
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, table.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
