package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.UnusableFileException;

/**
 * {@link DirectoryLock} between two processes, as two users' commands meet: another JVM ({@link
 * Holder}) takes a run directory's lock and holds it; this one's lock and a real command writing
 * the directory are refused in one line and write nothing; once the holder is killed (SIGKILL)
 * the operating system has released the lock and the command runs.
 */
class DirectoryLockAcrossProcessesTest {
    @TempDir
    static Path tmp;
    static Path split;

    @BeforeAll
    static void tinySplit() {
        Path world = tmp.resolve("world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "60", "--items", "150",
                "--interactions", "1500").code());
        split = tmp.resolve("split");
        CliRun s = CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(), "--sampler",
                "uniform", "--negatives", "4");
        assertEquals(0, s.code(), s.err());
    }

    /**
     * The other process: takes the lock of the directory {@code args[0]}, says {@code held} on
     * stdout, and keeps the lock until its stdin closes (or it is killed).
     */
    public static final class Holder {
        public static void main(String[] args) throws IOException {
            try (DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]))) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() != -1) {
                    // hold until the parent closes our stdin
                }
            }
        }
    }

    /** Starts a {@link Holder} on {@code dir} and returns once it holds the lock. */
    private static Process holder(Path dir, Path log) throws Exception {
        Process p = new ProcessBuilder(ChildJvm.command(List.of(), Holder.class, dir.toString()))
                .redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String said = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertEquals("held", said, "the holder did not take the lock: " + Files.readString(log));
        return p;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLockHeldByAnotherProcessRefusesThisOneUntilThatProcessIsKilled() throws Exception {
        Path run = tmp.resolve("run");
        String busy = run + " is being written by another tandem process (lock " + run.resolve(".lock") + ")";
        Process p = holder(run, tmp.resolve("holder.log"));
        try {
            // (a) this process's own lock on the directory is refused, in the one line.
            UnusableFileException e = assertThrows(UnusableFileException.class, () -> DirectoryLock.acquire(run));
            assertEquals(busy, e.getMessage());

            // (b) a command that writes the directory exits 1 with that line and leaves nothing that looks complete.
            CliRun train = CliRun.of("train", "crm", "--model", "pop", "--data", split.toString(), "--out", run.toString());
            assertEquals(1, train.code(), train.err());
            assertEquals("tandem: " + busy, train.err().strip());
            assertEquals(List.of(".lock"), names(run), "nothing written beside the holder's lock file");
            assertTrue(p.isAlive(), "the holder still holds the lock");
        } finally {
            // (c) killed with SIGKILL: it cannot release anything itself, the operating system does.
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the holder did not die");
        }
        DirectoryLock.acquire(run).close();
        CliRun train = CliRun.of("train", "crm", "--model", "pop", "--data", split.toString(), "--out", run.toString());
        assertEquals(0, train.code(), train.err());
        for (String f : List.of("COMPLETE", "model.bin", "metrics.json", "run.json")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
    }

    @Test
    void aHolderThatEndsNormallyReleasesTheLockToo() throws Exception {
        Path run = tmp.resolve("released");
        Process p = holder(run, tmp.resolve("released.log"));
        assertThrows(UnusableFileException.class, () -> DirectoryLock.acquire(run));
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the holder did not end when its stdin closed");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("released.log")));
        // The holder created the directory and wrote nothing else: closing its lock removed both.
        assertFalse(Files.exists(run), "a directory only the lock used is removed");
        try (DirectoryLock again = DirectoryLock.acquire(run)) {
            assertTrue(Files.isRegularFile(run.resolve(".lock")));
        }
    }
}
