package io.github.jamesp0f.greylist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Host names exempt from greylisting, in postgrey's whitelist_clients syntax: {@code example.com}
 * matches example.com and every name under it, {@code .example.com} only the names under it,
 * {@code /regex/} a case-insensitive regular expression searched in the name. Matched against
 * forward-confirmed names only (see {@link io.github.jamesp0f.dns.ReverseName}).
 */
public final class HostnamePatterns {

    /** The list shipped in the jar: large senders whose servers fingerprint as Windows. */
    public static final String DEFAULT_RESOURCE = "exempt-hostnames.txt";
    private static final Pattern NAME = Pattern.compile("\\.?[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\.?");

    private final List<String> entries;
    private final List<String> domains;
    private final List<String> suffixes;
    private final List<Pattern> regexes;

    private HostnamePatterns(List<String> entries, List<String> domains, List<String> suffixes, List<Pattern> regexes) {
        this.entries = entries;
        this.domains = domains;
        this.suffixes = suffixes;
        this.regexes = regexes;
    }

    public static HostnamePatterns none() {
        return new HostnamePatterns(List.of(), List.of(), List.of(), List.of());
    }

    /** The default list, read from the jar. */
    public static HostnamePatterns defaults() {
        try (InputStream in = HostnamePatterns.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + DEFAULT_RESOURCE);
            }
            return parse("the default exemption list", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | ConfigurationException e) {
            throw new IllegalStateException("the jar's " + DEFAULT_RESOURCE + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * One entry per line or separated by commas or spaces; {@code #} starts a comment line.
     * {@code source} names where the text came from, for error messages.
     */
    public static HostnamePatterns parse(String source, String text) throws ConfigurationException {
        List<String> entries = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<Pattern> regexes = new ArrayList<>();
        String[] lines = text.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // A regex may hold spaces or commas: a line starting with '/' is one entry.
            String[] items = line.startsWith("/") ? new String[] {line} : line.split("[,\\s]+");
            for (String item : items) {
                String where = source + " line " + (i + 1) + ": '" + item + "'";
                add(where, item, domains, suffixes, regexes);
                entries.add(item);
            }
        }
        return new HostnamePatterns(Collections.unmodifiableList(entries), domains, suffixes, regexes);
    }

    private static void add(String where, String item, List<String> domains, List<String> suffixes, List<Pattern> regexes)
        throws ConfigurationException {
        if (item.startsWith("/")) {
            if (item.length() < 3 || !item.endsWith("/")) {
                throw new ConfigurationException(where + " is not a /regex/ (it must end with '/')");
            }
            try {
                regexes.add(Pattern.compile(item.substring(1, item.length() - 1), Pattern.CASE_INSENSITIVE));
            } catch (PatternSyntaxException e) {
                throw new ConfigurationException(where + " is not a valid regular expression: " + e.getDescription());
            }
            return;
        }
        String name = item.toLowerCase(Locale.ROOT);
        if (!NAME.matcher(name).matches() || name.equals(".")) {
            throw new ConfigurationException(where + " is neither a host name (example.com), a suffix (.example.com)"
                + " nor a /regex/");
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.startsWith(".")) {
            suffixes.add(name);
        } else {
            domains.add(name);
        }
    }

    public HostnamePatterns plus(HostnamePatterns other) {
        List<String> entries = new ArrayList<>(this.entries);
        entries.addAll(other.entries);
        List<String> domains = new ArrayList<>(this.domains);
        domains.addAll(other.domains);
        List<String> suffixes = new ArrayList<>(this.suffixes);
        suffixes.addAll(other.suffixes);
        List<Pattern> regexes = new ArrayList<>(this.regexes);
        regexes.addAll(other.regexes);
        return new HostnamePatterns(Collections.unmodifiableList(entries), domains, suffixes, regexes);
    }

    /** The entry that matches {@code hostname} (lower case, no final dot), if any. */
    public Optional<String> match(String hostname) {
        for (String domain : domains) {
            // The name itself, or a name under it: ends with the domain right after a dot (no allocation).
            int start = hostname.length() - domain.length();
            if (hostname.endsWith(domain) && (start == 0 || start > 0 && hostname.charAt(start - 1) == '.')) {
                return Optional.of(domain);
            }
        }
        for (String suffix : suffixes) {
            if (hostname.endsWith(suffix)) {
                return Optional.of(suffix);
            }
        }
        for (Pattern regex : regexes) {
            if (regex.matcher(hostname).find()) {
                return Optional.of("/" + regex.pattern() + "/");
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        return entries.size() + " exempt host name entries";
    }
}
