package io.github.jamesp0f.contrib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * conf-samples/james-3.8 and james-3.9 are each James's own sample of that line plus the same
 * james-p0f parts. The files differ only where James's samples differ; every other line, the
 * p0f parts among them, is the same in both, so a change made to one line's files only fails here.
 */
class ConfSamplesPerLineTest {

    private static final Path SAMPLES = Paths.get(System.getProperty("basedir", "."), "conf-samples");

    /** Lines that James 3.9.0's samples changed from 3.8.1's (trimmed); no p0f line among them. */
    private static final Set<String> JAMES_OWN_DIFFERENCES = Set.of(
        "smtpserver.xml for Apache James 3.8.1 with james-p0f.",
        "smtpserver.xml for Apache James 3.9.x with james-p0f.",
        "mailetcontainer.xml for Apache James 3.8.1 with james-p0f.",
        "mailetcontainer.xml for Apache James 3.9.0 with james-p0f.",
        "Based on James 3.8.1's own sample (server/apps/memory-app/sample-configuration/smtpserver.xml).",
        "Based on James 3.9.0's own sample (server/apps/memory-app/sample-configuration/smtpserver.xml).",
        "Based on James 3.8.1's own sample (server/apps/memory-app/sample-configuration/mailetcontainer.xml).",
        "Based on James 3.9.0's own sample (server/apps/memory-app/sample-configuration/mailetcontainer.xml).",
        "<verifyIdentity>false</verifyIdentity>",
        "<verifyIdentity>true</verifyIdentity>",
        "<handlerchain>",
        "<handlerchain coreHandlersPackage=\"org.apache.james.smtpserver.NoAuthCmdHandlerLoader\">",
        "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>",
        "<mailet match=\"RelayLimit=30\" class=\"Null\"/>",
        "<mailet match=\"RelayLimit=30\" class=\"ToRepository\">",
        "<repositoryPath>memory://var/mail/relay-limit-exceeded/</repositoryPath>",
        "</mailet>",
        "<matcher name=\"not-reprocessed\" match=\"org.apache.james.mailetcontainer.impl.matchers.Not\">",
        "<matcher match=\"HasMailAttribute=mailRepository-reprocessing\"/>",
        "</matcher>",
        "<mailet match=\"All\" class=\"Bounce\">",
        "<mailet match=\"not-reprocessed\" class=\"Bounce\">",
        "<mailet match=\"All\" class=\"RemoveMimeHeader\">",
        "<name>X-SMIME-Status</name>",
        "<onMailetException>ignore</onMailetException>");

    @ParameterizedTest
    @ValueSource(strings = {"smtpserver.xml", "mailetcontainer.xml"})
    void theLinesDifferOnlyWhereJamesOwnSamplesDo(String file) throws IOException {
        List<String> james38 = Files.readAllLines(SAMPLES.resolve("james-3.8").resolve(file));
        List<String> james39 = Files.readAllLines(SAMPLES.resolve("james-3.9").resolve(file));

        assertThat(differences(james38, james39))
            .as("lines of %s that differ between conf-samples/james-3.8 and james-3.9 beyond James's own"
                + " samples: make the same change in both", file)
            .allMatch(line -> JAMES_OWN_DIFFERENCES.contains(line.trim()));
    }

    /** The lines of either file outside their longest common subsequence. */
    private static List<String> differences(List<String> a, List<String> b) {
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                    : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> differing = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            if (a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                differing.add(a.get(i++));
            } else {
                differing.add(b.get(j++));
            }
        }
        differing.addAll(a.subList(i, a.size()));
        differing.addAll(b.subList(j, b.size()));
        return differing;
    }
}
