package io.github.jamesp0f.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies a process's output into a log file, keeping the first {@value #CAP_BYTES} bytes: p0f with
 * all API slots taken prints hundreds of thousands of lines a second, which must neither fill a
 * pipe (p0f would block) nor a disk.
 */
final class CappedLog {

    static final int CAP_BYTES = 4 * 1024 * 1024;

    private CappedLog() {
    }

    /** Starts a daemon thread that reads {@code from} to its end into {@code to}. */
    static Thread pump(InputStream from, Path to) throws IOException {
        OutputStream log = Files.newOutputStream(to);
        Thread pump = new Thread(() -> copyCapped(from, log), "real-p0f-log");
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /** Keeps reading to the end so that the writer never blocks on a full pipe; keeps the first bytes only. */
    private static void copyCapped(InputStream from, OutputStream log) {
        byte[] buffer = new byte[65536];
        long written = 0;
        long dropped = 0;
        try (from; log) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                int keep = (int) Math.max(0, Math.min(n, CAP_BYTES - written));
                log.write(buffer, 0, keep);
                written += keep;
                dropped += n - keep;
            }
            if (dropped > 0) {
                log.write(("\n[real-p0f: " + dropped + " further bytes of output dropped]\n")
                    .getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // p0f is gone or the log was deleted: nothing left to keep.
        }
    }
}
