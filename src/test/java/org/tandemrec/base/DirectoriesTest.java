package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesANestedTreeAndIgnoresAMissingOne() throws Exception {
        Path root = tmp.resolve("run");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/x.txt"), "x");
        Files.writeString(root.resolve("y.txt"), "y");
        Directories.deleteTree(root);
        assertFalse(Files.exists(root));
        Directories.deleteTree(root);
        assertTrue(Files.isDirectory(tmp));
    }
}
