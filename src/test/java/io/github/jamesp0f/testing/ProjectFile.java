package io.github.jamesp0f.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** A file of this repository (contrib/...), found from Maven's {@code basedir}, else upwards from here. */
public final class ProjectFile {

    private ProjectFile() {
    }

    public static Path of(String relative) {
        String basedir = System.getProperty("basedir");
        if (basedir != null) {
            return Paths.get(basedir).resolve(relative);
        }
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        return dir.resolve(relative);
    }
}
