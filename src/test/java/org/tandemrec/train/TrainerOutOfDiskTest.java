package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint write that the system refuses midway (here the file-size limit of {@code ulimit
 * -f}, a real failed {@code write(2)}: EFBIG, as ENOSPC would be on a full disk) leaves the
 * previous checkpoint as it was, and {@code --resume} continues from it to the uninterrupted
 * run's result. The failing run is a process of its own so that the limit binds it alone.
 */
class TrainerOutOfDiskTest {
    @TempDir
    Path dir;

    /** One dense vector of {@value #N} values pulled towards fixed targets. */
    static final class VectorTask implements TrainingTask {
        static final int N = 4096;
        final Parameter w = Parameter.dense("w", 1, N, new float[N]);
        final ParameterSet params = ParameterSet.of(w);

        @Override public String modelName() { return "vector"; }
        @Override public String configFingerprint() { return "n=" + N; }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return 64; }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            double loss = 0;
            for (int k : batch) {
                for (int j = k; j < N; j += 64) {
                    double d = w.value()[j] - Math.sin(j) - 0.01 * random.nextGaussian();
                    loss += d * d;
                    w.grad()[j] += (float) (2 * d / batch.length);
                }
            }
            return loss / batch.length;
        }
    }

    /**
     * Eight steps an epoch, a checkpoint every four: steps 4 and 8 write values and both moments
     * (~48 KiB); the one after epoch 0's validation adds the best values (~64 KiB).
     */
    static final TrainConfig CONFIG = TrainConfig.builder().epochs(3).batchSize(8).learningRate(0.05)
            .checkpointEvery(4).seed(5).build();

    static TrainHooks hooks(Path checkpoint) {
        return TrainHooks.none().withValidation(e -> -e).withCheckpoint(checkpoint, true);
    }

    /** The child process: trains into {@code args[0]}, prints the failure's message and exits 1 when it fails. */
    public static void main(String[] args) {
        try {
            new Trainer(CONFIG).fit(new VectorTask(), hooks(Path.of(args[0])));
        } catch (UncheckedIOException e) {
            System.out.println(e.getCause().getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    @Test
    void aCheckpointWriteTheSystemRefusesLeavesThePreviousOneToResumeFrom() throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "needs bash for ulimit");
        Path checkpoint = dir.resolve("checkpoint.bin");
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // ulimit -f counts KiB in bash: 56 KiB lets the first checkpoints through, not the one with the best values.
        Process p = new ProcessBuilder(bash.toString(), "-c", "ulimit -f 56 && exec \"$0\" \"$@\"", java, "-Xmx256m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), TrainerOutOfDiskTest.class.getName(),
                checkpoint.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child did not finish");
        String said = Files.readString(log).strip();
        assertEquals(1, p.exitValue(), said);
        assertEquals(checkpoint + ": File too large (not written: the previous version is unchanged)", said);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("checkpoint.bin", "child.log"), s.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }

        TrainResult whole = new Trainer(CONFIG).fit(new VectorTask(), TrainHooks.none().withValidation(e -> -e));
        VectorTask task = new VectorTask();
        TrainResult rest = new Trainer(CONFIG).fit(task, hooks(checkpoint));
        assertEquals(8, rest.firstStep(), "resumed from the checkpoint of step 8, the last one written whole");
        assertArrayEquals(Arrays.copyOfRange(whole.losses(), 8, whole.losses().length), rest.losses(), 0f);
        VectorTask again = new VectorTask();
        new Trainer(CONFIG).fit(again, TrainHooks.none().withValidation(e -> -e));
        assertArrayEquals(again.w.value(), task.w.value(), 0f);
    }
}
