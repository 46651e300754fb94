package io.github.jamesp0f.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.cli.JarRun;
import io.github.jamesp0f.testing.CraftedSynBatch;
import io.github.jamesp0f.testing.FreePorts;
import io.github.jamesp0f.testing.P0fObservations;
import io.github.jamesp0f.testing.RawP0fQuery;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.SignatureLines;

/**
 * The label suite: one crafted SYN for every {@code [tcp:request]} signature that contrib/p0f/p0f.fp
 * adds or changes, and one for every stock line, sent in one batch to two real p0f daemons on
 * loopback, one with the shipped database and one with p0f's own. What p0f logs for each SYN must be
 * the line's label (added lines), or stock p0f's label unless {@link StockLabelChanges} refines it on
 * purpose (stock lines); p0f's API and the packaged jar's {@code query} must answer what p0f logged.
 * Prints both labels of every SYN (docs/labels.md keeps the table).
 */
class DatabaseLabelsIT {

    private static final Duration LOGGED = Duration.ofSeconds(30);
    private static final Pattern JSON_TEXT = Pattern.compile("\"(os_name|os_flavor)\":(null|\"((?:[^\"\\\\]|\\\\.)*)\")");

    private static RealP0f shipped;
    private static RealP0f stock;
    private static final List<Row> ROWS = new ArrayList<>();

    /** One SYN: the line it was built from, and what each p0f logged for it. */
    private static final class Row {
        final SignatureLines.Line line;
        final boolean added;
        final CraftedSynBatch.Sent sent;
        P0fObservations.Syn shipped;
        P0fObservations.Syn stock;

        Row(SignatureLines.Line line, boolean added, CraftedSynBatch.Sent sent) {
            this.line = line;
            this.added = added;
            this.sent = sent;
        }

        boolean ipv4() {
            return !(sent.source instanceof Inet6Address);
        }
    }

    @BeforeAll
    static void sendOneSynPerSignature() throws Exception {
        assumeTrue(Files.isReadable(RealP0f.STOCK_DATABASE), "needs p0f's own database at " + RealP0f.STOCK_DATABASE
            + " (apt-get install p0f) to compare with");
        int synPort = FreePorts.next();
        shipped = RealP0f.builder().craftedSynPort(synPort).observations().start();
        stock = RealP0f.builder().craftedSynPort(synPort).database(RealP0f.STOCK_DATABASE).observations().start();

        List<SignatureLines.Line> stockLines = SignatureLines.tcpRequest(stock.database());
        List<SignatureLines.Line> lines = new ArrayList<>();
        SignatureLines.tcpRequest(shipped.database()).stream().filter(line -> !stockLines.contains(line)).forEach(lines::add);
        int added = lines.size();
        lines.addAll(stockLines);

        CraftedSynBatch batch = new CraftedSynBatch();
        for (int i = 0; i < lines.size(); i++) {
            // IPv6 SYNs can only come from ::1 (the one IPv6 address on lo): p0f's log tells them apart by port.
            InetAddress source = lines.get(i).sig.startsWith("6:") ? InetAddress.getByName("::1")
                : InetAddress.getByName("127.18." + (i / 250) + "." + (1 + i % 250));
            batch.add(lines.get(i).sig, source, synPort);
        }
        List<CraftedSynBatch.Sent> sent = batch.send();
        for (int i = 0; i < lines.size(); i++) {
            ROWS.add(new Row(lines.get(i), i < added, sent.get(i)));
        }
        awaitLogged(shipped, true);
        awaitLogged(stock, false);
    }

    private static void awaitLogged(RealP0f p0f, boolean shippedDatabase) {
        P0fObservations observations = p0f.observations();
        for (Row row : ROWS) {
            P0fObservations.Syn syn = observations.await(row.sent.source, row.sent.sourcePort, LOGGED);
            if (shippedDatabase) {
                row.shipped = syn;
            } else {
                row.stock = syn;
            }
        }
    }

    @AfterAll
    static void publishTheTableAndStop() {
        if (!ROWS.isEmpty() && ROWS.get(ROWS.size() - 1).stock != null) {
            LabelTable table = new LabelTable("Crafted SYNs: every signature contrib/p0f/p0f.fp adds or changes, "
                + "then every stock [tcp:request] line");
            for (Row row : ROWS) {
                table.add((row.added ? "contrib/p0f/p0f.fp line " : "stock line ") + row.line.number, row.shipped.rawSig,
                    row.stock.os, row.shipped.os);
            }
            table.publish("labels-crafted.md");
        }
        for (RealP0f p0f : new RealP0f[] {shipped, stock}) {
            if (p0f != null) {
                p0f.close();
            }
        }
    }

    @Test
    void everyAddedOrChangedSignatureGetsItsLabelExactly() {
        SoftAssertions softly = new SoftAssertions();
        for (Row row : rows(true)) {
            softly.assertThat(row.shipped.os).as("%s: what p0f logged", row.line).isEqualTo(row.line.os());
            softly.assertThat(row.shipped.params).as("%s: neither fuzzy nor generic by mistake", row.line)
                .doesNotContain("fuzzy");
            softly.assertThat(row.shipped.rawSig).as("%s: the SYN craft-syn.py built", row.line).isEqualTo(row.sent.rawSig);
        }
        softly.assertAll();
        assertThat(rows(true)).as("the shipped database adds signatures").hasSizeGreaterThan(10);
    }

    @Test
    void everyStockSignatureKeepsItsStockLabelUnlessRefinedOnPurpose() {
        SoftAssertions softly = new SoftAssertions();
        for (Row row : rows(false)) {
            softly.assertThat(row.stock.os).as("%s: stock p0f", row.line).isEqualTo(StockLabelChanges.stockLabel(row.line));
            softly.assertThat(row.stock.rawSig).as("%s: the SYN craft-syn.py built", row.line).isEqualTo(row.sent.rawSig);
            String expected = StockLabelChanges.refined(row.line).map(change -> change.label).orElse(row.stock.os);
            softly.assertThat(row.shipped.os).as("%s: with contrib/p0f/p0f.fp", row.line).isEqualTo(expected);
        }
        softly.assertAll();
        assertThat(rows(false).stream().map(row -> row.line.sig))
            .as("every refinement names a stock line").containsAll(StockLabelChanges.REFINED.keySet())
            .containsAll(StockLabelChanges.SHADOWED_IN_STOCK.keySet());
    }

    @Test
    void p0fsApiAnswersWhatP0fLoggedForEveryIpv4Syn() throws IOException {
        SoftAssertions softly = new SoftAssertions();
        try (RawP0fQuery query = RawP0fQuery.connect(shipped.socketPath())) {
            for (Row row : ROWS) {
                if (row.ipv4()) {
                    query.send(row.sent.source);
                    RawP0fQuery.Answer answer = query.receive(Duration.ofSeconds(5));
                    boolean same = row.shipped.program ? answer.osName().isEmpty()
                        : sameLabel(row.shipped.os, answer.osName(), answer.osFlavor());
                    softly.assertThat(same).as("%s: API %s, log '%s'", row.line, answer, row.shipped.os).isTrue();
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void theToolAnswersWhatP0fLoggedForEveryNewOrChangedLabel() {
        Map<String, Row> oneRowPerLabel = new LinkedHashMap<>();
        for (Row row : ROWS) {
            boolean changed = row.added || StockLabelChanges.refined(row.line).isPresent();
            if (changed && row.ipv4()) {
                oneRowPerLabel.putIfAbsent(row.shipped.os, row);
            }
        }
        Row lastIpv6 = ROWS.stream().filter(row -> !row.ipv4()).reduce((first, second) -> second).orElseThrow();
        List<Row> asked = new ArrayList<>(oneRowPerLabel.values());
        asked.add(lastIpv6); // p0f keeps the last SYN of ::1

        SoftAssertions softly = new SoftAssertions();
        for (Row row : asked) {
            String address = row.sent.source.getHostAddress();
            JarRun run = JarRun.of("query", "--socket", shipped.socketPath().toString(), address, "--json");
            softly.assertThat(run.exitCode).as("%s", run).isZero();
            Map<String, String> json = osFields(run.out);
            softly.assertThat(sameLabel(row.shipped.os, json.get("os_name"), json.get("os_flavor")))
                .as("%s from %s: tool %s, log '%s'", row.line, address, json, row.shipped.os).isTrue();
        }
        softly.assertAll();
        assertThat(oneRowPerLabel).as("new or changed labels asked through the tool").hasSizeGreaterThan(5);
    }

    private static List<Row> rows(boolean added) {
        List<Row> selected = new ArrayList<>();
        ROWS.stream().filter(row -> row.added == added).forEach(selected::add);
        return selected;
    }

    /** p0f's API cuts names at 32 bytes (without a NUL then): the log has the whole label. */
    static boolean sameLabel(String logged, String osName, String osFlavor) {
        if (osName == null || osName.isEmpty()) {
            return logged.equals("???");
        }
        String answered = osFlavor == null || osFlavor.isEmpty() ? osName : osName + " " + osFlavor;
        return osFlavor != null && osFlavor.getBytes(java.nio.charset.StandardCharsets.UTF_8).length == 32
            ? logged.startsWith(answered) : logged.equals(answered);
    }

    private static Map<String, String> osFields(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = JSON_TEXT.matcher(json);
        while (m.find()) {
            fields.put(m.group(1), m.group(3) == null ? null : m.group(3).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return fields;
    }
}
