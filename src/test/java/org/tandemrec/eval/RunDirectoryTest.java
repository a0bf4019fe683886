package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.UnusableFileException;

class RunDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void runAppearsOnlyWhenPublished() throws Exception {
        Path target = tmp.resolve("demo");
        RunDirectory run = RunDirectory.begin(target);
        Files.writeString(run.dir().resolve("metrics.json"), "{}");
        assertFalse(Files.exists(target), "nothing at the target before publication");
        run.publish();
        assertEquals("{}", Files.readString(target.resolve("metrics.json")));
        assertFalse(Files.exists(tmp.resolve(".demo.partial")));
    }

    @Test
    void republishingReplacesTheEarlierRunWhole() throws Exception {
        Path target = tmp.resolve("demo");
        RunDirectory first = RunDirectory.begin(target);
        Files.writeString(first.dir().resolve("stale.txt"), "old");
        first.publish();
        assertTrue(Files.isRegularFile(target.resolve("COMPLETE")), "published with its completion marker");
        RunDirectory second = RunDirectory.begin(target);
        Files.writeString(second.dir().resolve("metrics.json"), "new");
        assertTrue(Files.exists(target.resolve("stale.txt")), "old run stays until the new one is complete");
        second.publish();
        second.close();
        assertFalse(Files.exists(target.resolve("stale.txt")));
        assertEquals("new", Files.readString(target.resolve("metrics.json")));
    }

    @Test
    void abandonedPartialRunIsClearedByTheNextBegin() throws Exception {
        Path target = tmp.resolve("demo");
        RunDirectory crashed = RunDirectory.begin(target);
        Files.writeString(crashed.dir().resolve("half.bin"), "x");
        // While its writer lives, a second run of the same name is refused and clears nothing.
        assertThrows(UnusableFileException.class, () -> RunDirectory.begin(target));
        assertTrue(Files.exists(crashed.dir().resolve("half.bin")));
        crashed.close(); // the writer dies: the operating system releases its lock, the files stay
        try (RunDirectory next = RunDirectory.begin(target)) {
            assertFalse(Files.exists(next.dir().resolve("half.bin")));
            assertFalse(Files.exists(target));
        }
    }
}
