package io.github.jamesp0f.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Operating systems whose clients are refused, with the semantics of qpsmtpd's
 * {@code p0f_blocked_operating_systems}: one entry per line, blank lines and lines starting with
 * {@code #} ignored. An entry {@code /regex/} is searched (case-insensitive) in the client's OS
 * phrase "os_name os_flavor"; any other entry is a phrase that must equal, ignoring case, either
 * the whole OS phrase ("Windows XP") or its os_name alone ("Windows" blocks every Windows).
 */
public final class OsBlocklist {

    private static final OsBlocklist EMPTY = new OsBlocklist(Collections.emptyList());

    private final List<Entry> entries;

    private OsBlocklist(List<Entry> entries) {
        this.entries = entries;
    }

    public static OsBlocklist empty() {
        return EMPTY;
    }

    /** Parses {@code text} (lines of entries); {@code source} names where it came from in errors. */
    public static OsBlocklist parse(String source, String text) throws ConfigurationException {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            entries.add(Entry.parse(source + " line " + (i + 1), line));
        }
        return new OsBlocklist(Collections.unmodifiableList(entries));
    }

    public OsBlocklist plus(OsBlocklist other) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new OsBlocklist(Collections.unmodifiableList(all));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The first entry matching the OS, as written in the configuration. */
    public Optional<String> match(String osName, String osDescription) {
        for (Entry entry : entries) {
            if (entry.matches(osName, osDescription)) {
                return Optional.of(entry.text);
            }
        }
        return Optional.empty();
    }

    private static final class Entry {
        private final String text;
        private final Pattern regex;

        private Entry(String text, Pattern regex) {
            this.text = text;
            this.regex = regex;
        }

        static Entry parse(String where, String line) throws ConfigurationException {
            if (line.length() >= 2 && line.startsWith("/") && line.endsWith("/")) {
                try {
                    return new Entry(line, Pattern.compile(line.substring(1, line.length() - 1),
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
                } catch (PatternSyntaxException e) {
                    throw new ConfigurationException(where + ": bad regular expression " + line + ": "
                        + e.getDescription(), e);
                }
            }
            return new Entry(line, null);
        }

        boolean matches(String osName, String osDescription) {
            if (regex != null) {
                return regex.matcher(osDescription).find();
            }
            return text.equalsIgnoreCase(osDescription) || text.equalsIgnoreCase(osName);
        }
    }
}
