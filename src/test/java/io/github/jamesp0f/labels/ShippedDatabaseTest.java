package io.github.jamesp0f.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jamesp0f.testing.ProjectFile;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.SignatureLines;

/**
 * contrib/p0f/p0f.fp as a file, without root: p0f loads it (no signature shadows an earlier one
 * exactly, which p0f refuses), every line it adds or changes says where it comes from, no stock
 * line is lost, and every new label fits p0f's API. The label suite (DatabaseLabelsIT) sends the SYNs.
 */
class ShippedDatabaseTest {

    private static final Path SHIPPED = ProjectFile.of(RealP0f.SHIPPED_DATABASE);

    @Test
    void p0fLoadsIt(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(RealP0f.binary()), "needs p0f at " + RealP0f.binary() + " (apt-get install p0f)");
        // An empty capture (a pcap header, Ethernet): p0f loads the database, reads nothing and exits.
        Path capture = Files.write(dir.resolve("empty.pcap"), new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2,
            (byte) 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 1, 0, 0, 0});
        Process p0f = new ProcessBuilder(RealP0f.binary().toString(), "-f", SHIPPED.toString(), "-r", capture.toString())
            .redirectErrorStream(true).start();
        p0f.getOutputStream().close();
        String output = new String(p0f.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p0f.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p0f.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("Loaded \\d+ signatures from '" + SHIPPED + "'");
    }

    @Test
    void everyAddedOrChangedLineSaysWhereItComesFrom() throws IOException {
        assumeTrue(Files.isReadable(RealP0f.STOCK_DATABASE), "needs p0f's own database at " + RealP0f.STOCK_DATABASE);
        List<String> text = Files.readAllLines(SHIPPED, StandardCharsets.UTF_8);
        List<SignatureLines.Line> stock = SignatureLines.tcpRequest(RealP0f.STOCK_DATABASE);
        List<String> unsourced = new ArrayList<>();
        for (SignatureLines.Line line : SignatureLines.tcpRequest(SHIPPED)) {
            if (!stock.contains(line) && !explained(text, line.number - 1)) {
                unsourced.add(line.toString());
            }
        }
        assertThat(unsourced).as("sig lines without a '; source:' or '; james-p0f:' comment above them or their label")
            .isEmpty();
    }

    @Test
    void noStockLineIsLostOnlyRefined() {
        assumeTrue(Files.isReadable(RealP0f.STOCK_DATABASE), "needs p0f's own database at " + RealP0f.STOCK_DATABASE);
        List<SignatureLines.Line> shipped = SignatureLines.tcpRequest(SHIPPED);
        List<String> lost = new ArrayList<>();
        for (SignatureLines.Line line : SignatureLines.tcpRequest(RealP0f.STOCK_DATABASE)) {
            boolean kept = shipped.contains(line);
            boolean refined = StockLabelChanges.refined(line)
                .map(change -> shipped.stream().anyMatch(s -> s.sig.equals(line.sig) && s.os().equals(change.label)))
                .orElse(false);
            if (!kept && !refined) {
                lost.add(line.toString());
            }
        }
        assertThat(lost).as("stock lines missing from " + SHIPPED).isEmpty();
    }

    @Test
    void everyNewLabelFitsP0fsApi() {
        List<SignatureLines.Line> stock = Files.isReadable(RealP0f.STOCK_DATABASE)
            ? SignatureLines.tcpRequest(RealP0f.STOCK_DATABASE) : List.of();
        for (SignatureLines.Line line : SignatureLines.tcpRequest(SHIPPED)) {
            if (!stock.contains(line)) {
                // The API has 32 bytes for each name; one that fills them arrives without its NUL.
                String[] parts = line.label.split(":", 4);
                assertThat(parts[2].getBytes(StandardCharsets.UTF_8).length).as("os_name of %s", line).isLessThan(32);
                assertThat(parts[3].getBytes(StandardCharsets.UTF_8).length).as("os_flavor of %s", line).isLessThan(32);
            }
        }
    }

    /** A comment block right above the line (or above its label) names a source or a james-p0f change. */
    private static boolean explained(List<String> text, int index) {
        for (int i = index - 1; i >= 0; i--) {
            String line = text.get(i).trim();
            if (line.startsWith(";")) {
                if (line.contains("source:") || line.contains("james-p0f:")) {
                    return true;
                }
            } else if (!line.startsWith("label") && !line.startsWith("sig") && !line.startsWith("sys")) {
                return false;
            } else if (line.startsWith("sig")) {
                // A comment belongs to the line right below it, or to a label and all its lines.
                int label = i;
                while (label >= 0 && !text.get(label).trim().startsWith("label")) {
                    label--;
                }
                return label > 0 && text.get(label - 1).trim().startsWith(";") && explained(text, label);
            }
        }
        return false;
    }
}
