package io.github.jamesp0f.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Deletes a harness's temporary directory when it is done with it. */
final class TemporaryDirectory {

    private TemporaryDirectory() {
    }

    /** The directory and everything in it; one left behind is harmless, so failures pass silently. */
    static void delete(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
