package io.github.jamesp0f.syn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.github.jamesp0f.testing.ProjectFile;
import io.github.jamesp0f.testing.RawP0fQuery;
import io.github.jamesp0f.testing.RealP0f;
import io.github.jamesp0f.testing.SignatureLines;
import io.github.jamesp0f.testing.SynLab;

/**
 * The oracle: p0f itself. The same SYNs go to real p0f daemons (one per database, in network
 * namespaces of the test's own) and, as bytes, to {@link SynMatcher} with the same database; both
 * must give the same os_name, os_flavor, match quality, distance, link type and raw signature.
 * The SYNs: every sig line of p0f's stock database and of the shipped one with its neighbours
 * ({@link SignatureSyns}), random ones ({@link RandomSyns}), {@link SynMatcherTest}'s, and real
 * ones from this machine's kernel over a veth and over loopback, with several sysctls and MTUs;
 * each goes to p0f with the stock database, the shipped one and {@link RuleSyn}'s. Prints the agreement as a
 * count; 100% is the bar, and every disagreement is listed with what differs.
 * Needs root, p0f, python3 and iproute2; skips without them.
 */
class SynOracleTest {

    private static final Path STOCK = RealP0f.STOCK_DATABASE;
    private static final Path SHIPPED = ProjectFile.of(RealP0f.SHIPPED_DATABASE);
    private static final long SEED = 19;
    private static final int RANDOM_SYNS = 1500;
    private static final List<String> QUALITIES = List.of("specific", "generic", "fuzzy", "fuzzy generic", "none");

    @Test
    void p0fAndTheMatcherAgreeOnEverySyn() throws Exception {
        RealP0f.assumeAvailable();
        assumeTrue(Files.exists(STOCK) && Files.exists(SHIPPED), "needs " + STOCK + " and " + SHIPPED);
        Path rules = Files.createTempFile("rules-", ".fp");
        try {
            Files.write(rules, RuleSyn.DATABASE.getBytes(StandardCharsets.ISO_8859_1));
            compare(List.of(STOCK, SHIPPED, rules));
        } finally {
            Files.delete(rules);
        }
    }

    private static void compare(List<Path> databases) throws IOException {
        SignatureSyns crafted = SignatureSyns.craft(databases.subList(0, 2), 0);
        List<String> allSignatures = new ArrayList<>();
        for (Path database : databases.subList(0, 2)) {
            SignatureLines.tcpRequest(database).forEach(line -> allSignatures.add(line.sig));
        }
        List<OracleSyn> syns = new ArrayList<>(crafted.syns());
        int nextSource = crafted.syns().size() + crafted.refused().size();
        syns.addAll(RandomSyns.draw(SEED, RANDOM_SYNS, allSignatures, nextSource));
        syns.addAll(ruleSyns(nextSource + RANDOM_SYNS));
        Map<Path, List<OracleVerdict>> verdicts = new LinkedHashMap<>();
        try (SynLab lab = SynLab.start(databases)) {
            send(lab, syns);
            syns.addAll(kernelSyns(lab));
            for (Path database : databases) {
                verdicts.put(database, judge(lab, lab.p0f(database), syns, new SynMatcher(P0fDatabase.load(database))));
            }
        }

        List<OracleVerdict> disagreements = report(verdicts, crafted.refused());
        assertThat(disagreements).as("SYNs on which p0f and the matcher disagree").isEmpty();
        for (List<OracleVerdict> judged : verdicts.values()) {
            assertThat(judged.stream().map(OracleVerdict::p0fQuality).distinct())
                .as("p0f's answers cover every kind of match").containsAll(QUALITIES);
        }
    }

    /** {@link SynMatcherTest}'s SYNs, each from an address of its own. */
    private static List<OracleSyn> ruleSyns(int firstSource) {
        List<OracleSyn> syns = new ArrayList<>();
        for (RuleSyn rule : RuleSyn.values()) {
            SynBytes syn = rule.syn();
            InetAddress source = SynLab.craftedSource(firstSource + rule.ordinal(), SynParser.parse(syn.bytes()).ipVersion());
            syns.add(new OracleSyn(OracleSyn.Kind.RULE, "rule: " + rule.what(), source,
                syn.from(source).toPort(SynLab.CRAFTED_PORT).bytes()));
        }
        return syns;
    }

    /** This machine's kernel: the veth (MTU 1500 unless said), and loopback. */
    private static List<OracleSyn> kernelSyns(SynLab lab) {
        List<OracleSyn> syns = new ArrayList<>();
        String timestampsOff = "net.ipv4.tcp_timestamps=0";
        kernel(syns, "IPv4 over a veth, default sysctls", lab.connectOverVeth(4, 1500, List.of(), 0));
        kernel(syns, "IPv4 over a veth, timestamps off", lab.connectOverVeth(4, 1500, List.of(timestampsOff), 0));
        kernel(syns, "IPv4 over a veth, SACK off", lab.connectOverVeth(4, 1500, List.of("net.ipv4.tcp_sack=0"), 0));
        kernel(syns, "IPv4 over a veth, window scaling off",
            lab.connectOverVeth(4, 1500, List.of("net.ipv4.tcp_window_scaling=0"), 0));
        kernel(syns, "IPv4 over a veth, ECN on", lab.connectOverVeth(4, 1500, List.of("net.ipv4.tcp_ecn=1"), 0));
        kernel(syns, "IPv4 over a veth, SO_RCVBUF 8192", lab.connectOverVeth(4, 1500, List.of(), 8192));
        kernel(syns, "IPv4 over a veth, MTU 1492", lab.connectOverVeth(4, 1492, List.of(), 0));
        kernel(syns, "IPv4 over a veth, MTU 9000", lab.connectOverVeth(4, 9000, List.of(), 0));
        kernel(syns, "IPv6 over a veth, default sysctls", lab.connectOverVeth(6, 1500, List.of(), 0));
        kernel(syns, "IPv6 over a veth, timestamps off", lab.connectOverVeth(6, 1500, List.of(timestampsOff), 0));
        kernel(syns, "IPv6 over a veth, MTU 1280", lab.connectOverVeth(6, 1280, List.of(), 0));
        // last: below 1280 bytes the kernel takes IPv6 off the veth
        kernel(syns, "IPv4 over a veth, MTU 576", lab.connectOverVeth(4, 576, List.of(), 0));
        kernel(syns, "IPv4 over loopback", lab.connectOverLoopback(4, List.of()));
        kernel(syns, "IPv4 over loopback, timestamps off", lab.connectOverLoopback(4, List.of(timestampsOff)));
        kernel(syns, "IPv6 over loopback", lab.connectOverLoopback(6, List.of()));
        return syns;
    }

    private static void kernel(List<OracleSyn> syns, String what, SynLab.KernelSyn syn) {
        syns.add(new OracleSyn(OracleSyn.Kind.KERNEL, "kernel SYN, " + what, syn.source(), syn.packet()));
    }

    private static void send(SynLab lab, List<OracleSyn> syns) {
        lab.send(syns.stream().map(OracleSyn::packet).collect(Collectors.toList()),
            syns.stream().map(OracleSyn::source).collect(Collectors.toList()));
    }

    private static List<OracleVerdict> judge(SynLab lab, RealP0f p0f, List<OracleSyn> syns, SynMatcher matcher)
        throws IOException {
        SynLab.awaitKnown(p0f, syns.get(syns.size() - 1).source(), Duration.ofSeconds(10)); // the kernel's SYNs came last
        Map<OracleSyn, RawP0fQuery.Answer> answers = new LinkedHashMap<>();
        for (OracleSyn syn : syns) {
            answers.put(syn, SynLab.ask(p0f, syn.source()));
        }
        List<OracleSyn> unseen = answers.entrySet().stream().filter(answer -> !answer.getValue().isOk())
            .map(Map.Entry::getKey).collect(Collectors.toList());
        if (!unseen.isEmpty() && unseen.stream().allMatch(syn -> syn.kind() != OracleSyn.Kind.KERNEL)) {
            send(lab, unseen); // a SYN lost in p0f's capture buffer gets a second chance
            for (OracleSyn syn : unseen) {
                answers.put(syn, SynLab.ask(p0f, syn.source()));
            }
        }
        if (!p0f.isAlive()) {
            throw new IllegalStateException("p0f died during the run; its output:\n" + p0f.log());
        }
        awaitLogged(p0f, answers);
        Map<InetAddress, String> rawSignatures = new HashMap<>();
        p0f.observations().syns().forEach(logged -> rawSignatures.put(logged.client, logged.rawSig));
        List<OracleVerdict> verdicts = new ArrayList<>();
        answers.forEach((syn, answer) -> verdicts.add(answer.isOk()
            ? OracleVerdict.of(syn, answer, rawSignatures.get(syn.source()), matcher)
            : OracleVerdict.unseen(syn, answer)));
        return verdicts;
    }

    /**
     * p0f's API knows a host as soon as p0f has read its SYN, but p0f flushes its log only when idle:
     * the raw signatures are read once the last SYN p0f answered about is in the log (lines come in order).
     */
    private static void awaitLogged(RealP0f p0f, Map<OracleSyn, RawP0fQuery.Answer> answers) {
        answers.entrySet().stream().filter(answer -> answer.getValue().isOk()).reduce((first, second) -> second)
            .ifPresent(last -> {
                try {
                    p0f.observations().awaitFrom(last.getKey().source(), Duration.ofSeconds(10));
                } catch (AssertionError neverLogged) {
                    // its raw signature stays unknown, and the report lists it
                }
            });
    }

    private static List<OracleVerdict> report(Map<Path, List<OracleVerdict>> verdicts, List<String> refused) {
        List<OracleVerdict> disagreements = new ArrayList<>();
        StringBuilder report = new StringBuilder("SYN oracle: p0f 3.09b and SynMatcher on the same SYNs and database\n");
        verdicts.forEach((database, judged) -> {
            Map<OracleSyn.Kind, Long> kinds = judged.stream().collect(Collectors.groupingBy(v -> v.syn().kind(),
                TreeMap::new, Collectors.counting()));
            long agree = judged.stream().filter(OracleVerdict::agrees).count();
            report.append(String.format("  %s: %d SYNs %s, %d agree (%.2f%%)%n", database, judged.size(), kinds, agree,
                100.0 * agree / judged.size()));
            Map<String, Long> qualities = judged.stream().collect(Collectors.groupingBy(OracleVerdict::p0fQuality,
                TreeMap::new, Collectors.counting()));
            report.append("    p0f's answers: ").append(qualities).append('\n');
            judged.stream().filter(v -> !v.agrees()).forEach(disagreements::add);
        });
        verdicts.entrySet().stream().limit(2).forEach(entry -> {
            Path database = entry.getKey();
            List<OracleVerdict> judged = entry.getValue();
            report.append("  this machine's kernel, with ").append(database).append(':');
            judged.stream().filter(v -> v.syn().kind() == OracleSyn.Kind.KERNEL)
                .forEach(verdict -> report.append("\n    ").append(verdict.summary()));
            report.append('\n');
        });
        report.append("  craft-syn.py refused ").append(refused.size()).append(" variants");
        refused.stream().limit(3).forEach(line -> report.append("\n    ").append(line));
        report.append("\n  disagreements: ").append(disagreements.isEmpty() ? "none" : disagreements.size());
        disagreements.forEach(verdict -> report.append("\n    ").append(verdict));
        System.out.println(report);
        return disagreements;
    }
}
