package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;

/**
 * Every command that writes a run directory refuses one whose lock another process holds (here
 * a channel of the test, which the command cannot take either), in one line, touching nothing.
 */
class RunDirectoryLockTest {
    @TempDir
    Path tmp;

    private static void refusedWhileLocked(Path dir, String... args) throws Exception {
        Files.createDirectories(dir);
        Path marker = Files.writeString(dir.resolve("earlier.txt"), "an earlier file");
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            CliRun r = CliRun.of(args);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("tandem: " + dir + " is being written by another tandem process (lock " + dir.resolve(".lock")
                    + ")", r.err().strip(), String.join(" ", args));
        }
        assertEquals("an earlier file", Files.readString(marker), "nothing touched");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "nothing written beside the lock file: " + dir);
        }
    }

    @Test
    void everyCommandThatWritesARunDirectoryRefusesALockedOne() throws Exception {
        Path world = tmp.resolve("world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "60", "--items", "150",
                "--interactions", "1500").code());
        Path split = tmp.resolve("split");
        assertEquals(0, CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(),
                "--sampler", "uniform", "--negatives", "4").code());
        String llm = Fixtures.path("hf/tiny-llama").toString();
        Path out = tmp.resolve("run");
        refusedWhileLocked(out, "train", "crm", "--model", "pop", "--data", split.toString(), "--out", out.toString());
        refusedWhileLocked(out, "bdlm", "--data", split.toString(), "--llm", llm, "--out", out.toString());
        refusedWhileLocked(out, "corella", "--data", split.toString(), "--llm", llm, "--out", out.toString());
        Path sft = Files.writeString(tmp.resolve("sft.jsonl"), "{\"prompt\": \"a\", \"answer\": \" b\"}\n");
        refusedWhileLocked(out, "llm", "sft", "--model", llm, "--data", sft.toString(), "--out", out.toString());
        Path corpus = Files.writeString(tmp.resolve("corpus.txt"), "some text to learn\n");
        refusedWhileLocked(out, "llm", "pretrain", "--corpus", corpus.toString(), "--out", out.toString(), "--steps", "1");
        Path experiment = Files.writeString(tmp.resolve("e.yaml"),
                "dataset: {format: synthetic, users: 60, items: 150}\nmodels:\n  - {name: pop}\n");
        refusedWhileLocked(out, "run", experiment.toString(), "--out", out.toString(), "--resume");
        // The demo writes aside and publishes: its partial directory is the one locked.
        Path demo = tmp.resolve("demo");
        refusedWhileLocked(tmp.resolve(".demo.partial"), "demo", "--out", demo.toString(), "--users", "60", "--items", "150");

        // An output directory that cannot be written fails at once, in one line, before any training.
        Path notADir = Files.writeString(tmp.resolve("a-file"), "x");
        for (String[] args : List.of(new String[] {"train", "crm", "--model", "pop", "--data", split.toString(), "--out",
                notADir.resolve("run").toString()}, new String[] {"bdlm", "--data", split.toString(), "--llm", llm, "--out",
                notADir.resolve("run").toString()})) {
            CliRun r = CliRun.of(args);
            assertEquals(1, r.code(), r.err());
            assertEquals("tandem: " + notADir.resolve("run") + ": cannot write the run directory here (not a directory)",
                    r.err().strip());
        }

        // Released (as the operating system does when the holder dies), the file stays and refuses no one.
        Path crm = tmp.resolve("crm");
        assertEquals(0, CliRun.of("train", "crm", "--model", "pop", "--data", split.toString(), "--out", crm.toString()).code());
        assertEquals(0, CliRun.of("train", "crm", "--model", "pop", "--data", split.toString(), "--out", crm.toString()).code());
        assertTrue(Files.isRegularFile(crm.resolve("COMPLETE")));
        for (String f : List.of(".lock", "model.bin", "metrics.json")) {
            assertTrue(Files.isRegularFile(crm.resolve(f)), f);
        }
    }
}
