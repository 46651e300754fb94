package io.github.jamesp0f.syn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What SYN matching needs of a p0f 3 fingerprint database (p0f.fp): the {@code [tcp:request]}
 * signatures in file order, and the {@code [mtu]} link types. The file is the one p0f reads
 * ({@code p0f -f}); its other sections (SYN+ACK and HTTP signatures) are skipped unread.
 */
public final class P0fDatabase {

    private final String source;
    private final List<TcpSignature> requestSignatures;
    private final MtuTable mtuTable;

    P0fDatabase(String source, List<TcpSignature> requestSignatures, MtuTable mtuTable) {
        this.source = source;
        this.requestSignatures = List.copyOf(requestSignatures);
        this.mtuTable = mtuTable;
    }

    /**
     * Reads a p0f.fp file.
     *
     * @throws IOException if it cannot be read
     * @throws P0fDatabaseException naming the file and line of what is wrong in it
     */
    public static P0fDatabase load(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            return read(file.toString(), reader);
        }
    }

    /**
     * Reads p0f.fp text; {@code source} names it in error messages.
     *
     * @throws P0fDatabaseException naming the source and line of what is wrong
     */
    public static P0fDatabase read(String source, Reader text) throws IOException {
        BufferedReader lines = text instanceof BufferedReader ? (BufferedReader) text : new BufferedReader(text);
        P0fDatabaseReader reader = new P0fDatabaseReader(source);
        String line;
        while ((line = lines.readLine()) != null) {
            reader.accept(line);
        }
        return reader.finish();
    }

    /** The file it was read from. */
    public String source() {
        return source;
    }

    /** The {@code [tcp:request]} signatures in file order (the order p0f tries them in). */
    public List<TcpSignature> requestSignatures() {
        return requestSignatures;
    }

    public MtuTable mtuTable() {
        return mtuTable;
    }

    @Override
    public String toString() {
        return source + " (" + requestSignatures.size() + " SYN signatures, " + mtuTable.size() + " MTUs)";
    }
}
