package io.github.jamesp0f.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.transport.mailets.RemoveMimeHeader;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.jamesp0f.attributes.P0fAttributes;
import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.mailet.P0fHeaderMailet;
import io.github.jamesp0f.matcher.RemoteOsMatches;

/**
 * What the extension adds to one mail's way through James, outside SMTP: its message hook's
 * attributes, the header mailet and the OS rule of the sample mailetcontainer.xml, followed by
 * James's RemoveMimeHeader (Bcc), the next mailet that changes every message in the samples.
 * {@code plain} is a mail without a fingerprint through the same mailets (the baseline's mail in
 * bench/smtp-load); {@code fingerprinted - plain} is the extension's cost per fingerprinted mail.
 * Each operation builds the mail afresh from the bytes of the load harness's message, as James
 * does for each mail it receives. Run with the GC profiler through {@link RunBenchmarks}:
 * {@code -prof gc MailPathBenchmark}, or run this class's {@link #main} on a busy machine; no
 * root or p0f needed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class MailPathBenchmark {

    private static final byte[] MESSAGE = ("Date: Sun, 22 Nov 2026 08:00:00 +0000\r\n"
        + "Message-ID: <load@elsewhere.test>\r\nFrom: load@elsewhere.test\r\nTo: user@example.test\r\n"
        + "Subject: load\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        + "\r\nA small message.\r\n").getBytes(StandardCharsets.US_ASCII);

    /** What p0f answers for a client on loopback (the load harness's). */
    private static final Fingerprint LINUX = Fingerprint.builder(3).firstSeen(1_795_000_000L).lastSeen(1_795_000_100L)
        .totalConnections(1234).uptimeMinutes(4321).upModDays(49).distance(0).badSoftware(0).osMatchQuality(0)
        .osName("Linux").osFlavor("2.2.x-3.x").linkType("generic tunnel or VPN").build();

    private P0fHeaderMailet headerMailet;
    private RemoteOsMatches windows;
    private RemoveMimeHeader removeBcc;
    private MailAddress sender;
    private MailAddress recipient;

    @Setup
    public void setUp() throws Exception {
        headerMailet = new P0fHeaderMailet();
        headerMailet.init(FakeMailetConfig.builder().mailetName("P0fHeaderMailet").setProperty("style", "fields").build());
        windows = new RemoteOsMatches();
        windows.init(FakeMatcherConfig.builder().matcherName("RemoteOsMatches").condition("^Windows").build());
        removeBcc = new RemoveMimeHeader();
        removeBcc.init(FakeMailetConfig.builder().mailetName("RemoveMimeHeader").setProperty("name", "bcc").build());
        sender = new MailAddress("load@elsewhere.test");
        recipient = new MailAddress("user@example.test");
    }

    @Benchmark
    public Object plain() throws Exception {
        Mail mail = newMail();
        try {
            return mailets(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    @Benchmark
    public Object fingerprinted() throws Exception {
        Mail mail = newMail();
        try {
            P0fAttributes.attach(mail, LINUX);
            return mailets(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /** The message hook's share alone: attaching the attributes (minus {@link #newMailOnly}). */
    @Benchmark
    public Object attachOnly() throws Exception {
        Mail mail = newMail();
        P0fAttributes.attach(mail, LINUX);
        LifecycleUtil.dispose(mail);
        return mail;
    }

    @Benchmark
    public Object newMailOnly() throws Exception {
        Mail mail = newMail();
        LifecycleUtil.dispose(mail);
        return mail;
    }

    /**
     * The same operations without JMH, for a busy machine: each op's thread CPU time (not wall
     * time, which other processes' load inflates), in blocks of 20,000 interleaved between the ops,
     * median of 40 blocks. Arguments: the ops ({@code fingerprinted plain} by default).
     */
    public static void main(String[] args) throws Exception {
        MailPathBenchmark benchmark = new MailPathBenchmark();
        benchmark.setUp();
        List<String> ops = args.length > 0 ? List.of(args) : List.of("fingerprinted", "plain");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int blocks = 40;
        int perBlock = 20_000;
        double[][] micros = new double[ops.size()][blocks];
        for (int block = -10; block < blocks; block++) {
            for (int op = 0; op < ops.size(); op++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < perBlock; i++) {
                    benchmark.run(ops.get(op));
                }
                if (block >= 0) {
                    micros[op][block] = (threads.getCurrentThreadCpuTime() - start) / 1000.0 / perBlock;
                }
            }
        }
        for (int op = 0; op < ops.size(); op++) {
            Arrays.sort(micros[op]);
            System.out.printf(Locale.ROOT, "%-14s %.2f us of thread CPU per op (median; quartiles %.2f..%.2f)%n",
                ops.get(op), micros[op][blocks / 2], micros[op][blocks / 4], micros[op][3 * blocks / 4]);
        }
    }

    private Object run(String op) throws Exception {
        switch (op) {
            case "fingerprinted":
                return fingerprinted();
            case "plain":
                return plain();
            case "attachOnly":
                return attachOnly();
            case "newMailOnly":
                return newMailOnly();
            default:
                throw new IllegalArgumentException("no such op: " + op);
        }
    }

    private Collection<MailAddress> mailets(Mail mail) throws MessagingException {
        headerMailet.service(mail);
        Collection<MailAddress> windowsRecipients = windows.match(mail);
        removeBcc.service(mail);
        return windowsRecipients;
    }

    private Mail newMail() throws MessagingException {
        return MailImpl.builder().name("m").sender(sender).addRecipient(recipient)
            .mimeMessage(new MimeMessageWrapper(new BytesSource())).build();
    }

    private static final class BytesSource implements MimeMessageSource {
        @Override
        public String getSourceId() {
            return "bytes";
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(MESSAGE);
        }

        @Override
        public long getMessageSize() {
            return MESSAGE.length;
        }
    }
}
