package io.github.jamesp0f.smtp;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import io.github.jamesp0f.config.ConfigValues;
import io.github.jamesp0f.syn.P0fDatabase;
import io.github.jamesp0f.syn.P0fDatabaseException;

/**
 * The p0f.fp the kernel source matches SYNs against: the file {@code <signatureDatabase>} names
 * (resolved by James, e.g. {@code file://conf/p0f.fp} or {@code /etc/p0f/james-p0f.fp}), or else
 * the copy of the project's contrib/p0f/p0f.fp that the jar carries, whose labels the
 * documentation and the p0f start-up files use.
 */
final class SignatureDatabase {

    static final String ELEMENT = "signatureDatabase";
    /** Where the build puts contrib/p0f/p0f.fp in the jar. */
    static final String SHIPPED = "/io/github/jamesp0f/syn/p0f.fp";
    static final String SHIPPED_NAME = "the jar's p0f.fp (contrib/p0f/p0f.fp)";

    private SignatureDatabase() {
    }

    static P0fDatabase read(Configuration config, P0fHandlerConfig.FileResolver files) throws ConfigurationException {
        Optional<String> name = ConfigValues.text(config, ELEMENT);
        if (name.isEmpty()) {
            return shipped();
        }
        try {
            File file = files.resolve(name.get());
            return P0fDatabase.load(file.toPath());
        } catch (P0fDatabaseException e) {
            throw new ConfigurationException("<" + ELEMENT + "> " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("<" + ELEMENT + "> cannot be read: " + name.get() + " (" + e + ")", e);
        }
    }

    static P0fDatabase shipped() throws ConfigurationException {
        try (InputStream in = SignatureDatabase.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new ConfigurationException("the jar lacks " + SHIPPED + ", its copy of p0f.fp: a broken build?"
                    + " Name a p0f.fp with <" + ELEMENT + ">");
            }
            try (Reader text = new InputStreamReader(in, StandardCharsets.ISO_8859_1)) {
                return P0fDatabase.read(SHIPPED_NAME, text);
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + SHIPPED_NAME + ": " + e, e);
        }
    }
}
