package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.AtomicFile;

/**
 * Runs killed with SIGKILL at seeded points — inside a checkpoint's write (its temporary file
 * complete, not yet moved into place) and at a seeded moment — then resumed: the final model and
 * {@code metrics.json} equal an uninterrupted run's byte for byte (but for {@code run.created},
 * the one timestamp), with the same thread count. Each run is a process of its own.
 */
@Tag("kill")
class KillResumeTest {
    @TempDir
    static Path tmp;
    static Path split;

    @BeforeAll
    static void world() {
        Path world = tmp.resolve("world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "300", "--items", "200").code());
        split = tmp.resolve("split");
        CliRun s = CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(), "--sampler",
                "uniform", "--negatives", "19");
        assertEquals(0, s.code(), s.err());
    }

    /** A tandem process; writes held open {@code pauseMs} each so a kill can land inside one. */
    private static Process start(Path log, long pauseMs, String... args) throws IOException {
        List<String> cmd = ChildJvm.command(List.of("-D" + AtomicFile.PAUSE_PROPERTY + "=" + pauseMs), Main.class, args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the run did not finish");
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    /**
     * The temporary files of writes in {@code dir} now whose target's name ends with {@code
     * suffix} (a file name, or e.g. ".ckpt" for every checkpoint of a method's stages).
     */
    private static Set<String> checkpointWrites(Path dir, String suffix) throws IOException {
        Set<String> out = new HashSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".") && n.endsWith(".tmp")
                        && n.substring(0, n.lastIndexOf('.', n.length() - 5)).endsWith(suffix)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Kills {@code p} (SIGKILL) inside its {@code n}-th write of a file ending with {@code suffix}
     * in {@code dir} (temporary files that earlier kills left behind do not count).
     */
    private static boolean killInsideWrite(Process p, Set<String> before, Path dir, String suffix, int n, boolean required)
            throws Exception {
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && p.isAlive()) {
            checkpointWrites(dir, suffix).stream().filter(f -> !before.contains(f)).forEach(seen::add);
            if (seen.size() >= n) {
                p.destroyForcibly().waitFor();
                return true;
            }
            Thread.sleep(5);
        }
        if (required || p.isAlive()) {
            throw new AssertionError("write " + n + " of " + suffix + " never came (saw " + seen.size() + ")");
        }
        return false; // it finished first: nothing was left to write
    }

    private static String withoutCreated(String metrics) {
        return metrics.replaceAll("\"created\" : \"[^\"]*\"", "");
    }

    /**
     * Runs {@code command} to the end in one process; in another directory kills it (SIGKILL)
     * inside a seeded checkpoint write, then at a seeded moment, then inside the next checkpoint
     * write when one is left, resuming each time with {@code resumeFlag}, and lets the last
     * resumption finish. Returns the two run directories (same last name, so run names agree).
     */
    private static Path[] killAndResume(String name, String[] command, String resumeFlag, String checkpoint, long seed)
            throws Exception {
        return killAndResume(name, command, resumeFlag, "", checkpoint, seed);
    }

    /** As above, with the checkpoint in {@code checkpointDir} under the run directory. */
    private static Path[] killAndResume(String name, String[] command, String resumeFlag, String checkpointDir,
                                        String checkpoint, long seed) throws Exception {
        Path whole = tmp.resolve(name + "-whole").resolve("run");
        long t0 = System.nanoTime();
        Path wholeLog = tmp.resolve(name + "-whole.log");
        finish(start(wholeLog, 0, concat(command, "--out", whole.toString())), wholeLog);
        long wholeMs = (System.nanoTime() - t0) / 1_000_000;

        Path killed = tmp.resolve(name + "-killed").resolve("run");
        String[] resume = concat(command, "--out", killed.toString(), resumeFlag);
        SplittableRandom rnd = new SplittableRandom(seed);
        Path dir = killed.resolve(checkpointDir);
        // Inside a seeded checkpoint write of a fresh run (it has them all ahead of it) …
        killInsideWrite(start(tmp.resolve(name + "-killed-0.log"), 400, resume), checkpointWrites(dir, checkpoint), dir,
                checkpoint, 1 + rnd.nextInt(2), true);
        // … then at a seeded moment of the resumed run, and inside its next checkpoint write when one is left.
        Process p = start(tmp.resolve(name + "-killed-t.log"), 0, resume);
        Thread.sleep((long) (wholeMs * (0.2 + 0.3 * rnd.nextDouble())));
        boolean more = p.isAlive();
        p.destroyForcibly().waitFor();
        if (more) {
            killInsideWrite(start(tmp.resolve(name + "-killed-1.log"), 400, resume), checkpointWrites(dir, checkpoint), dir,
                    checkpoint, 1, false);
        }
        Path lastLog = tmp.resolve(name + "-killed-last.log");
        finish(start(lastLog, 0, resume), lastLog);
        return new Path[] {whole, killed};
    }

    private static void sameBytes(Path[] runs, String... files) throws IOException {
        for (String f : files) {
            byte[] a = Files.readAllBytes(runs[0].resolve(f));
            byte[] b = Files.readAllBytes(runs[1].resolve(f));
            if (f.endsWith("metrics.json")) {
                assertEquals(withoutCreated(new String(a, java.nio.charset.StandardCharsets.UTF_8)),
                        withoutCreated(new String(b, java.nio.charset.StandardCharsets.UTF_8)), f);
            } else {
                assertArrayEquals(a, b, f + " after kills and resumptions");
            }
        }
    }

    @Test
    void trainCrmKilledAndResumedEndsWithTheSameBytes() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("sasrec.yaml"), "epochs: 4\ndim: 16\ncheckpoint_every: 6\n");
        Path[] runs = killAndResume("crm", new String[] {"train", "crm", "--model", "sasrec", "--data", split.toString(),
            "--config", cfg.toString()}, "--resume", "checkpoint.bin", 13);
        sameBytes(runs, "model.bin", "metrics.json");
        assertFalse(Files.exists(runs[1].resolve("checkpoint.bin")), "the checkpoint goes once the run is complete");
    }

    @Test
    void anExperimentKilledAndResumedEndsWithTheSameMetrics() throws Exception {
        Path f = Files.writeString(tmp.resolve("exp.yaml"), """
                name: killed
                seed: 5
                dataset: {format: synthetic, users: 300, items: 200}
                splits:
                  loo: {sampler: uniform}
                models:
                  - {name: pop}
                  - {name: sasrec, settings: {epochs: 4, dim: 16, checkpoint_every: 6}}
                  - {name: mf-bpr, settings: {epochs: 3}}
                """);
        Path[] runs = killAndResume("run", new String[] {"run", f.toString()}, "--resume", "models/sasrec", "checkpoint.bin",
                23);
        sameBytes(runs, "metrics.json", "models/sasrec/model.bin", "models/mf-bpr/model.bin", "splits/loo/manifest.json");
        assertTrue(Files.isRegularFile(runs[1].resolve("COMPLETE")));
    }

    @Test
    void bdlmKilledAndResumedEndsWithTheSameBytes() throws Exception {
        Path world = tmp.resolve("bdlm-world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "60", "--items", "150",
                "--interactions", "1500").code());
        Path loo = tmp.resolve("bdlm-loo");
        assertEquals(0, CliRun.of("split", "--format", "tandem", world.toString(), "--out", loo.toString(), "--sampler",
                "popularity", "--negatives", "4").code());
        Path cfg = Files.writeString(tmp.resolve("bdlm.yaml"), String.join("\n", "crm_epochs: 2", "baselines: []",
                "methods: [bdlm]", "history_items: 2", "train_positions: 40", "drs_positions: 12", "rounds: 2",
                "eval_users: 12", "valid_users: 8", "sft: {batch_size: 4, warmup_steps: 1, checkpoint_every: 2}", ""));
        Path[] runs = killAndResume("bdlm", new String[] {"bdlm", "--data", loo.toString(), "--llm",
            org.tandemrec.Fixtures.path("hf/tiny-llama").toString(), "--config", cfg.toString()}, "--resume", "checkpoints",
            ".ckpt", 29);
        sameBytes(runs, "metrics.json", "bdlm-llm/model.safetensors", "bdlm-llm/bdlm-drs.safetensors");
    }

    @Test
    void corellaKilledAndResumedEndsWithTheSameBytes() throws Exception {
        Path world = tmp.resolve("corella-world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "80", "--items", "150",
                "--interactions", "2000").code());
        Path time = tmp.resolve("corella-time");
        assertEquals(0, CliRun.of("split", "--format", "tandem", world.toString(), "--out", time.toString(), "--protocol",
                "time", "--task", "ctr", "--label-rule", ">=4").code());
        Path cfg = Files.writeString(tmp.resolve("corella.yaml"), String.join("\n", "crm_epochs: 2", "history_items: 4",
                "min_history: 2", "joint_samples: 32", "llm_samples: 8", "eval_rows: 50", "valid_rows: 40", "shared_dim: 8",
                "baselines: []", "methods: [corella]", "sft: {batch_size: 4, warmup_steps: 1, checkpoint_every: 2}", ""));
        Path[] runs = killAndResume("corella", new String[] {"corella", "--data", time.toString(), "--llm",
            org.tandemrec.Fixtures.path("hf/tiny-llama").toString(), "--config", cfg.toString()}, "--resume", "checkpoints",
            ".ckpt", 31);
        sameBytes(runs, "metrics.json", "corella-llm/adapter_model.safetensors",
                "corella-llm/corella-dcnv2.bin");
    }

    @Test
    void llmPretrainKilledAndResumedEndsWithTheSameBytes() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lines.add("user " + (i % 13) + " watched Heat (1995) and Toy Story (1995), then rated " + (i % 5 + 1) + " stars.");
        }
        Path corpus = Files.write(tmp.resolve("corpus.txt"), lines);
        Path[] runs = killAndResume("pretrain", new String[] {"llm", "pretrain", "--corpus", corpus.toString(), "--minutes",
            "0", "--steps", "60", "--checkpoint-every", "8", "--hidden", "64", "--layers", "2", "--vocab", "300", "--context",
            "32"}, "--resume",
            "checkpoint.bin", 17);
        sameBytes(runs, "model.safetensors", "tokenizer.json", "config.json");
    }

    @Test
    void llmSftKilledAndResumedEndsWithTheSameBytes() throws Exception {
        Path train = tmp.resolve("sft.jsonl");
        StringBuilder b = new StringBuilder();
        String[] films = {"Heat (1995)", "Casino (1995)", "Toy Story (1995)", "Babe (1995)", "Fargo (1996)", "Jumanji (1995)"};
        String[] kinds = {" crime film", " crime film", " animated film", " family film", " crime film", " adventure film"};
        for (int i = 0; i < 24; i++) {
            b.append("{\"prompt\": \"").append(films[i % 6]).append(" is a\", \"answer\": \"").append(kinds[i % 6])
                    .append("\"}\n");
        }
        Files.writeString(train, b);
        Path cfg = Files.writeString(tmp.resolve("sft.yaml"), """
                mode: full
                epochs: 3
                batch_size: 2
                learning_rate: 0.005
                warmup_steps: 2
                max_length: 32
                checkpoint_every: 3
                seed: 3
                """);
        Path[] runs = killAndResume("sft", new String[] {"llm", "sft", "--model",
            org.tandemrec.Fixtures.path("hf/tiny-llama").toString(), "--data", train.toString(), "--config", cfg.toString()},
            "--resume", "checkpoint.bin", 19);
        sameBytes(runs, "model/model.safetensors");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
