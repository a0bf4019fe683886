package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreeSpaceTest {
    @Test
    void aDirectoryNotCreatedYetHasItsNearestAncestorsSpace(@TempDir Path tmp) throws Exception {
        long here = FreeSpace.SYSTEM.bytes(tmp);
        assertTrue(here > 0);
        Path later = tmp.resolve("a/b/c");
        long there = FreeSpace.SYSTEM.bytes(later);
        assertTrue(there > 0 && Math.abs(there - here) < (64L << 20), here + " against " + there);
        assertTrue(!Files.exists(later));
        assertEquals(Files.getFileStore(tmp).getUsableSpace(), FreeSpace.SYSTEM.bytes(tmp), 64L << 20);
    }

    @Test
    void directorySizeCountsEveryFileBelow(@TempDir Path tmp) throws Exception {
        assertEquals(0, Directories.size(tmp.resolve("none")));
        Files.write(tmp.resolve("a.bin"), new byte[100]);
        Files.createDirectories(tmp.resolve("sub"));
        Files.write(tmp.resolve("sub/b.bin"), new byte[23]);
        assertEquals(123, Directories.size(tmp));
        assertEquals(23, Directories.size(tmp.resolve("sub/b.bin")));
    }
}
