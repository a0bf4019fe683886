package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandemrec.base.UsageException;

class TrainerTest {
    @TempDir
    Path dir;

    private static final NDManager ND = NDManager.newBaseManager();

    @AfterAll
    static void closeManager() {
        ND.close();
    }

    /**
     * A small factorisation task with an embedding table (lazy Adam), a vector (a dense Java
     * array, or a native tensor) and random per-batch noise, so that parameters, optimiser state
     * and random streams all matter.
     */
    static class ToyTask implements TrainingTask {
        final Parameter table;
        final Parameter weights;
        final ParameterSet params;
        final float[] targets;
        final String name;
        int failAtCall = -1;
        Set<Integer> nanAtCalls = Set.of();
        final List<float[]> tableAtCall = new ArrayList<>();
        int calls;

        ToyTask(String name, long seed) {
            this(name, seed, false);
        }

        ToyTask(String name, long seed, boolean tensorWeights) {
            this.name = name;
            SplittableRandom r = new SplittableRandom(seed);
            float[] t = new float[30 * 3];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) r.nextGaussian() * 0.1f;
            }
            table = Parameter.table("table", 30, 3, t);
            float[] w = {0.5f, -0.5f, 0.2f};
            weights = tensorWeights ? Parameter.tensor("w", ND.create(w), 0) : Parameter.dense("w", 1, 3, w);
            params = ParameterSet.of(table, weights);
            targets = new float[90];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (float) Math.sin(i % 30);
            }
        }

        @Override public String modelName() { return name; }
        @Override public String configFingerprint() { return "toy rows=30 dim=3"; }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return targets.length; }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            tableAtCall.add(table.value().clone());
            if (calls == failAtCall) {
                throw new IllegalStateException("simulated crash");
            }
            boolean nan = nanAtCalls.contains(calls++);
            double loss = 0;
            float[] e = table.value();
            float[] w = weights.copyValues();
            float[] wGrad = new float[3];
            for (int k : batch) {
                int row = k % 30;
                double pred = 0;
                for (int j = 0; j < 3; j++) {
                    pred += e[row * 3 + j] * w[j];
                }
                double y = targets[k] + 0.01 * random.nextGaussian();
                double d = pred - y;
                loss += d * d;
                float c = (float) (2 * d / batch.length);
                table.addRowGrad(row, w, 0, c);
                for (int j = 0; j < 3; j++) {
                    wGrad[j] += c * e[row * 3 + j];
                }
            }
            if (weights.isTensor()) {
                weights.addGrad(ND.create(wGrad));
            } else {
                for (int j = 0; j < 3; j++) {
                    weights.grad()[j] += wGrad[j];
                }
            }
            return nan ? Double.NaN : loss / batch.length;
        }

        float[] w() {
            return weights.copyValues();
        }
    }

    private static TrainConfig config(int epochs) {
        return TrainConfig.builder().epochs(epochs).batchSize(8).learningRate(0.05)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).schedule(TrainConfig.ScheduleKind.COSINE)
                .warmupSteps(3).clipNorm(5).checkpointEvery(5).seed(11).build();
    }

    @Test
    void lossDecreases() {
        ToyTask task = new ToyTask("toy", 1);
        TrainResult r = new Trainer(config(20)).fit(task, TrainHooks.none());
        assertEquals(12 * 20, r.losses().length);
        double first = 0;
        double last = 0;
        for (int i = 0; i < 12; i++) {
            first += r.losses()[i];
            last += r.losses()[r.losses().length - 1 - i];
        }
        assertTrue(last < 0.2 * first, "first epoch " + first / 12 + ", last " + last / 12);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void resumedRunReplaysTheUninterruptedOne(boolean tensorWeights) {
        TrainConfig cfg = config(4);
        ToyTask whole = new ToyTask("toy", 1, tensorWeights);
        java.util.Map<Integer, Double> wholeEpochs = new java.util.TreeMap<>();
        TrainResult all = new Trainer(cfg).fit(whole, TrainHooks.none().withValidation(e -> -e * 0.1)
                .withEpochListener((e, loss, v) -> wholeEpochs.put(e, loss)));

        Path ckpt = dir.resolve("toy-" + tensorWeights + ".ckpt");
        ToyTask first = new ToyTask("toy", 1, tensorWeights);
        first.failAtCall = 23; // crash inside epoch 1 (12 batches per epoch), after the checkpoint at step 20
        TrainHooks hooks = TrainHooks.none().withValidation(e -> -e * 0.1).withCheckpoint(ckpt, true);
        assertThrows(IllegalStateException.class, () -> new Trainer(cfg).fit(first, hooks));

        ToyTask resumed = new ToyTask("toy", 99, tensorWeights); // different initial values: all must come from the checkpoint
        java.util.Map<Integer, Double> resumedEpochs = new java.util.TreeMap<>();
        TrainResult rest = new Trainer(cfg).fit(resumed, hooks.withEpochListener((e, loss, v) -> resumedEpochs.put(e, loss)));
        assertEquals(20, rest.firstStep());
        // Epoch 1 was cut at its 9th batch: its mean loss still counts the 8 batches before the checkpoint.
        assertEquals(wholeEpochs.get(1), resumedEpochs.get(1));
        assertEquals(wholeEpochs.get(3), resumedEpochs.get(3));
        float[] expected = Arrays.copyOfRange(all.losses(), 20, all.losses().length);
        assertArrayEquals(expected, rest.losses(), 0f);
        assertArrayEquals(whole.table.value(), resumed.table.value(), 0f);
        assertArrayEquals(whole.w(), resumed.w(), 0f);
    }

    /**
     * Rows 2..31 of a native [32, 3] tensor trained row-sparse (lazily), and a dense vector:
     * {@code rows-v2.ckpt} in the test resources was written by the version-2 checkpoint code
     * for the same task with those rows as a dense tensor parameter (its gradient the whole
     * [30, 3] slice), stopped after 3 of its 10 AdamW steps.
     */
    static final class RowsTask implements TrainingTask {
        final NDManager nd = ND.newSubManager();
        final Parameter rows;
        final Parameter w = Parameter.dense("w", 1, 3, new float[] {0.5f, -0.5f, 0.2f});
        final ParameterSet params;

        RowsTask(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            float[] t = new float[32 * 3];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) r.nextGaussian() * 0.1f;
            }
            rows = Parameter.rowSparseTensor("rows", nd.create(t, new ai.djl.ndarray.types.Shape(32, 3)), 2);
            params = ParameterSet.of(rows, w);
        }

        @Override public String modelName() { return "rows-v2"; }
        @Override public String configFingerprint() { return "rows=30 from 2, dim=3"; }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return 30; }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            float[] e = rows.copyValues();
            double loss = 0;
            for (int k : batch) {
                double pred = 0;
                for (int j = 0; j < 3; j++) {
                    pred += e[k * 3 + j] * w.value()[j];
                }
                double d = pred - Math.sin(k);
                loss += d * d;
                rows.addRowGrad(k, w.value(), 0, (float) (2 * d / batch.length));
                for (int j = 0; j < 3; j++) {
                    w.grad()[j] += (float) (2 * d / batch.length) * e[k * 3 + j];
                }
            }
            return loss / batch.length;
        }

        static TrainConfig config() {
            return TrainConfig.builder().epochs(2).batchSize(6).learningRate(0.05)
                    .optimizer(TrainConfig.OptimizerKind.ADAMW).checkpointEvery(2).seed(3).build();
        }
    }

    @Test
    void aRowSparseTensorResumesExactlyWithItsRowsStepCounts() {
        RowsTask whole = new RowsTask(1);
        TrainResult all = new Trainer(RowsTask.config()).fit(whole, TrainHooks.none());
        Path ckpt = dir.resolve("rows.ckpt");
        RowsTask first = new RowsTask(1);
        TrainHooks hooks = TrainHooks.none().withCheckpoint(ckpt, true);
        new Trainer(RowsTask.config()).fit(first, hooks.withStop(step -> step == 7));
        Checkpoint.Loaded c = Checkpoint.read(ckpt, first, Checkpoint.configHash(first, RowsTask.config()));
        long[] counts = c.rowSteps().get(0);
        // 7 steps of 6 examples: every row seen once in the first epoch, then 12 rows in the second.
        assertEquals(30, counts.length);
        assertEquals(30 + 12, Arrays.stream(counts).sum());
        assertTrue(Arrays.stream(counts).allMatch(n -> n == 1 || n == 2), Arrays.toString(counts));
        assertEquals(null, c.rowSteps().get(1));
        RowsTask resumed = new RowsTask(99);
        TrainResult rest = new Trainer(RowsTask.config()).fit(resumed, hooks);
        assertEquals(7, rest.firstStep());
        assertArrayEquals(Arrays.copyOfRange(all.losses(), 7, 10), rest.losses(), 0f);
        assertArrayEquals(whole.rows.copyValues(), resumed.rows.copyValues(), 0f);
        assertArrayEquals(whole.w.value(), resumed.w.value(), 0f);
        whole.nd.close();
        first.nd.close();
        resumed.nd.close();
    }

    @Test
    void aVersionTwoCheckpointResumesWithEveryRowCountingItsParametersSteps() throws Exception {
        Path ckpt = dir.resolve("rows-v2.ckpt");
        Files.copy(Path.of(TrainerTest.class.getResource("/train/rows-v2.ckpt").toURI()), ckpt);
        RowsTask task = new RowsTask(99);
        Checkpoint.Loaded c = Checkpoint.read(ckpt, task, Checkpoint.configHash(task, RowsTask.config()));
        assertEquals(3, c.optimizerStep());
        assertArrayEquals(new long[] {3, 3}, c.parameterSteps());
        assertEquals(Arrays.asList(null, null), c.rowSteps());
        try (AdamOptimizer opt = new AdamOptimizer(task.params, RowsTask.config())) {
            opt.restoreState(c.optimizerStep(), c.parameterSteps(), c.first(), c.second(), c.rowSteps());
            long[] threes = new long[30];
            Arrays.fill(threes, 3);
            assertArrayEquals(threes, opt.rowSteps(0));
            assertArrayEquals(c.first().get(0), opt.firstMoment(0), 0f);
        }
        TrainResult rest = new Trainer(RowsTask.config()).fit(task, TrainHooks.none().withCheckpoint(ckpt, true));
        assertEquals(3, rest.firstStep());
        assertEquals(7, rest.losses().length);
        assertTrue(rest.losses()[6] < rest.losses()[0], Arrays.toString(rest.losses()));
        // Written again by this version: the row counts are kept now.
        assertEquals(Checkpoint.VERSION, version(ckpt));
        assertTrue(Checkpoint.read(ckpt, task, Checkpoint.configHash(task, RowsTask.config())).rowSteps().get(0) != null);
        task.nd.close();
    }

    private static int version(Path file) throws IOException {
        try (java.io.DataInputStream in = new java.io.DataInputStream(Files.newInputStream(file))) {
            in.readUTF();
            return in.readInt();
        }
    }

    @Test
    void aTensorParameterTrainsAsTheArrayOne() {
        // Java float arithmetic and the engine's float kernels may round differently: close, not equal.
        float[] array = new Trainer(config(3)).fit(new ToyTask("toy", 1, false), TrainHooks.none()).losses();
        ToyTask t = new ToyTask("toy", 1, true);
        float[] tensor = new Trainer(config(3)).fit(t, TrainHooks.none()).losses();
        assertArrayEquals(array, tensor, 1e-5f);
        assertEquals(null, t.weights.tensorGrad(), "the trainer releases tensor gradients when it ends");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aStopConditionEndsTheRunCleanlyAndResumingFinishesIt(boolean tensorWeights) {
        TrainConfig cfg = config(4);
        ToyTask whole = new ToyTask("toy", 1, tensorWeights);
        java.util.Map<Integer, Double> wholeEpochs = new java.util.TreeMap<>();
        TrainResult all = new Trainer(cfg).fit(whole, TrainHooks.none().withValidation(e -> -e * 0.1)
                .withEpochListener((e, loss, v) -> wholeEpochs.put(e, loss)));

        Path ckpt = dir.resolve("stop-" + tensorWeights + ".ckpt");
        TrainHooks hooks = TrainHooks.none().withValidation(e -> -e * 0.1).withCheckpoint(ckpt, true);
        long[] asked = new long[1];
        TrainResult cut = new Trainer(cfg).fit(new ToyTask("toy", 1, tensorWeights), hooks.withStop(done -> {
            asked[0] = done;
            return done == 17; // inside epoch 1, between checkpoints (every 5 steps)
        }));
        assertTrue(cut.stopRequested());
        assertEquals(17, cut.globalSteps());
        assertEquals(17, asked[0]);
        assertArrayEquals(Arrays.copyOf(all.losses(), 17), cut.losses(), 0f);
        assertEquals(1, cut.epochMetrics().length, "the unfinished epoch is not validated");

        ToyTask resumed = new ToyTask("toy", 99, tensorWeights);
        TrainResult rest = new Trainer(cfg).fit(resumed, hooks);
        assertEquals(17, rest.firstStep());
        assertFalse(rest.stopRequested());
        assertArrayEquals(Arrays.copyOfRange(all.losses(), 17, all.losses().length), rest.losses(), 0f);
        assertArrayEquals(whole.table.value(), resumed.table.value(), 0f);
        assertArrayEquals(whole.w(), resumed.w(), 0f);

        // A condition that holds only after the last step changes nothing.
        TrainResult last = new Trainer(cfg).fit(new ToyTask("toy", 1, tensorWeights), TrainHooks.none()
                .withValidation(e -> -e * 0.1).withStop(done -> done >= 48));
        assertFalse(last.stopRequested());
        assertEquals(48, last.globalSteps());
    }

    @Test
    void nonFiniteStepsAreSkippedUpToTheLimitAndThenTheRunFails() {
        ToyTask t = new ToyTask("toy", 1);
        t.nanAtCalls = Set.of(3, 4);
        TrainConfig cfg = config(1).toBuilder().skipNonFiniteSteps(2).build();
        TrainResult r = new Trainer(cfg).fit(t, TrainHooks.none());
        assertEquals(2, r.skippedSteps());
        assertEquals(12, r.globalSteps());
        assertTrue(Float.isNaN(r.losses()[3]) && Float.isNaN(r.losses()[4]));
        // A skipped step updates nothing: the values seen by calls 4 and 5 are those seen by call 3.
        assertArrayEquals(t.tableAtCall.get(3), t.tableAtCall.get(4), 0f);
        assertArrayEquals(t.tableAtCall.get(3), t.tableAtCall.get(5), 0f);
        assertFalse(Arrays.equals(t.tableAtCall.get(5), t.tableAtCall.get(6)));

        ToyTask three = new ToyTask("toy", 1);
        three.nanAtCalls = Set.of(3, 4, 5);
        var e = assertThrows(UsageException.class, () -> new Trainer(cfg).fit(three, TrainHooks.none()));
        assertTrue(e.getMessage().contains("training diverged: 3 steps in a row"), e.getMessage());

        ToyTask once = new ToyTask("toy", 1);
        once.nanAtCalls = Set.of(3);
        e = assertThrows(UsageException.class, () -> new Trainer(config(1)).fit(once, TrainHooks.none()));
        assertTrue(e.getMessage().contains("loss is NaN at step 3"), e.getMessage());
    }

    /**
     * Parts trained in turns: the table trains on even steps, the vector on odd ones (at half the
     * rate). A part keeps its values and moments off its turns, and its bias correction counts its
     * own updates: the vector's first update is a full Adam first step (|Δ| = lr·0.5 per entry,
     * whatever the gradient's size). A run interrupted on a vector turn resumes to the same values.
     */
    @Test
    void partsTrainInTurnsWithTheirOwnStepCountsAndRates() {
        class Turns extends ToyTask {
            final List<float[]> wBefore = new ArrayList<>();

            Turns(String name) {
                super(name, 5);
            }

            @Override
            public Set<Parameter> trainedAt(long step) {
                return Set.of(step % 2 == 0 ? table : weights);
            }

            @Override
            public double learningRateScale(Parameter p) {
                return p == weights ? 0.5 : 1;
            }

            @Override
            public double trainBatch(int[] batch, long step, SplittableRandom random) {
                wBefore.add(w());
                return super.trainBatch(batch, step, random);
            }
        }
        TrainConfig cfg = TrainConfig.builder().epochs(2).batchSize(8).learningRate(0.05)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).checkpointEvery(3).seed(3).build();
        Turns t = new Turns("turns");
        new Trainer(cfg).fit(t, TrainHooks.none());
        // step 0 (table's turn) leaves the vector alone; step 1 is the vector's first update
        assertArrayEquals(t.wBefore.get(0), t.wBefore.get(1));
        for (int j = 0; j < 3; j++) {
            assertEquals(0.05 * 0.5, Math.abs(t.wBefore.get(2)[j] - t.wBefore.get(1)[j]), 1e-6);
        }
        // the table does not move on the vector's turns
        assertArrayEquals(t.tableAtCall.get(1), t.tableAtCall.get(2));
        Turns crashed = new Turns("turns");
        crashed.failAtCall = 7;
        TrainHooks hooks = TrainHooks.none().withCheckpoint(dir.resolve("turns.ckpt"), true);
        assertThrows(IllegalStateException.class, () -> new Trainer(cfg).fit(crashed, hooks));
        Turns resumed = new Turns("turns");
        new Trainer(cfg).fit(resumed, hooks);
        assertArrayEquals(t.w(), resumed.w());
        assertArrayEquals(t.table.value(), resumed.table.value());
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        ToyTask task = new ToyTask("toy", 1);
        double[] metric = {0.5, 0.9, 0.7, 0.6, 0.8, 0.95};
        float[][] atEpoch = new float[6][];
        TrainConfig cfg = config(6).toBuilder().patience(2).build();
        TrainResult r = new Trainer(cfg).fit(task, TrainHooks.none().withValidation(e -> {
            atEpoch[e] = task.table.value().clone();
            return metric[e];
        }));
        assertTrue(r.stoppedEarly());
        assertEquals(1, r.bestEpoch());
        assertEquals(4, r.epochMetrics().length);
        assertArrayEquals(atEpoch[1], task.table.value(), 0f);
    }

    @Test
    void theEpochListenerHearsEachEpochsMeanLossAndValidationMetric() {
        ToyTask task = new ToyTask("toy", 1);
        double[] metric = {0.5, 0.9, 0.7, 0.6, 0.8, 0.95};
        List<double[]> heard = new ArrayList<>();
        TrainConfig cfg = config(6).toBuilder().patience(2).build();
        TrainResult r = new Trainer(cfg).fit(task, TrainHooks.none().withValidation(e -> metric[e])
                .withEpochListener((epoch, loss, valid) -> heard.add(new double[] {epoch, loss, valid})));
        assertEquals(4, heard.size(), "epochs 0-3 ran before early stopping");
        for (int e = 0; e < 4; e++) {
            assertEquals(e, heard.get(e)[0]);
            double mean = 0;
            for (int i = 0; i < 12; i++) {
                mean += r.losses()[e * 12 + i];
            }
            // The trainer sums double losses, the result keeps them as floats.
            assertEquals(mean / 12, heard.get(e)[1], 1e-6, "epoch " + e + "'s mean step loss");
            assertEquals(metric[e], heard.get(e)[2]);
        }
        List<Double> unvalidated = new ArrayList<>();
        new Trainer(config(2)).fit(new ToyTask("toy", 1), TrainHooks.none()
                .withEpochListener((epoch, loss, valid) -> unvalidated.add(valid)));
        assertEquals(2, unvalidated.size());
        assertTrue(unvalidated.stream().allMatch(v -> v.isNaN()), "no validation: NaN");
    }

    @Test
    void checkpointOfAnotherModelIsRefused() {
        Path ckpt = dir.resolve("a.ckpt");
        new Trainer(config(1)).fit(new ToyTask("toy", 1), TrainHooks.none().withCheckpoint(ckpt, true));
        ToyTask other = new ToyTask("other", 1);
        float[] before = other.table.value().clone();
        var e = assertThrows(CheckpointException.class,
                () -> new Trainer(config(2)).fit(other, TrainHooks.none().withCheckpoint(ckpt, true)));
        assertTrue(e.getMessage().contains("checkpoint of model 'toy', cannot resume model 'other'"), e.getMessage());
        assertArrayEquals(before, other.table.value(), 0f);
    }

    @Test
    void checkpointWithAnotherConfigIsRefused() {
        Path ckpt = dir.resolve("b.ckpt");
        new Trainer(config(1)).fit(new ToyTask("toy", 1), TrainHooks.none().withCheckpoint(ckpt, true));
        TrainConfig changed = config(2).toBuilder().learningRate(0.01).build();
        var e = assertThrows(CheckpointException.class,
                () -> new Trainer(changed).fit(new ToyTask("toy", 1), TrainHooks.none().withCheckpoint(ckpt, true)));
        assertTrue(e.getMessage().contains("different model or training config"), e.getMessage());
    }

    @Test
    void corruptedOrTruncatedCheckpointIsRefusedWithoutTouchingTheModel() throws IOException {
        Path ckpt = dir.resolve("c.ckpt");
        new Trainer(config(1)).fit(new ToyTask("toy", 1), TrainHooks.none().withCheckpoint(ckpt, true));
        byte[] bytes = Files.readAllBytes(ckpt);

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        Path bad = dir.resolve("flipped.ckpt");
        Files.write(bad, flipped);
        ToyTask t1 = new ToyTask("toy", 5);
        float[] before = t1.table.value().clone();
        var e = assertThrows(CheckpointException.class,
                () -> new Trainer(config(2)).fit(t1, TrainHooks.none().withCheckpoint(bad, true)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertArrayEquals(before, t1.table.value(), 0f);

        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        var e2 = assertThrows(CheckpointException.class,
                () -> new Trainer(config(2)).fit(new ToyTask("toy", 5), TrainHooks.none().withCheckpoint(cut, true)));
        assertTrue(e2.getMessage().contains("truncated"), e2.getMessage());

        Path other = dir.resolve("other.ckpt");
        Files.writeString(other, "hello");
        var e3 = assertThrows(CheckpointException.class,
                () -> new Trainer(config(2)).fit(new ToyTask("toy", 5), TrainHooks.none().withCheckpoint(other, true)));
        assertTrue(e3.getMessage().contains("not a tandem-train-checkpoint file"), e3.getMessage());
    }
}
