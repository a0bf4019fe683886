package org.tandemrec.llm.pretrain;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.AvailableMemory;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.decoder.LlmFootprint;
import org.tandemrec.llm.tokenizer.BpeTrainer;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.TrainResult;
import org.tandemrec.train.Trainer;

/**
 * Trains a small Llama-architecture model from scratch on a text corpus (one document per
 * line): a byte-level BPE vocabulary learned on the corpus, documents encoded as {@code <s>}
 * text {@code </s>} and concatenated into one token stream, then a {@link PretrainTask} (seeded
 * random windows, every weight trained) run by the shared {@link Trainer} for the configured
 * number of steps, with checkpoints and resumption like every other run. With a time budget the
 * step count is planned before training from a few timed steps on a scratch copy of the model,
 * and the run also stops at the deadline.
 *
 * <p>{@link #run} writes the Hugging Face layout ({@link HfCheckpoint}, {@code tokenizer.json},
 * {@code tokenizer_config.json}, {@code generation_config.json}) plus {@value #RUN_FILE} recording
 * the settings and the run, so later steps load it like any user checkpoint. While training the
 * directory also holds {@value #CHECKPOINT} (resumable), {@value #STEP_LOG} (every step's loss)
 * and, for a planned run, {@value #PLAN_FILE} (the planned step count, kept for a resumption).
 */
public final class Pretrainer {
    public static final String RUN_FILE = "tandem_pretrain.json";
    public static final String RUN_FORMAT = "tandem-pretrain-run";
    /** Version 2: config key {@code steps} (was {@code maxSteps}); planned steps, deadline and resumption recorded. */
    public static final String RUN_VERSION = "2";
    public static final String CHECKPOINT = "checkpoint.bin";
    public static final String STEP_LOG = "pretrain-steps.tsv";
    public static final String PLAN_FILE = "pretrain-plan.txt";
    /** Steps timed (after one warm-up step) to plan a run from a time budget. */
    static final int TIMED_STEPS = 4;

    /**
     * One pre-training run.
     *
     * @param steps           optimiser steps of the whole run
     * @param plannedSteps    the schedule's length: the configured steps, or those planned from the time budget
     * @param deadlineReached whether the time budget ended the run before {@code plannedSteps}
     * @param firstStep       the first step this call trained (non-zero after a resume)
     * @param firstLoss       the loss of step 0 (NaN when unknown after a resume without the step log)
     * @param lastLoss        the loss of the last step that was not skipped
     * @param seconds         wall time of this call's planning and training
     * @param tokensPerSecond training tokens per second of this call
     * @param skippedSteps    steps of this call skipped for a non-finite loss or gradient
     * @param stepLosses      the loss of every step this call trained, from {@code firstStep}
     */
    public record Result(int steps, int plannedSteps, boolean deadlineReached, long firstStep, float firstLoss, float lastLoss,
                         double seconds, double tokensPerSecond, long parameters, int vocabSize, int skippedSteps,
                         float[] stepLosses) {
    }

    private final PretrainConfig config;
    private final FreeSpace freeSpace;

    public Pretrainer(PretrainConfig config) {
        this(config, FreeSpace.SYSTEM);
    }

    /** A pre-trainer that learns the output directory's free disk from {@code freeSpace}. */
    public Pretrainer(PretrainConfig config, FreeSpace freeSpace) {
        this.config = config;
        this.freeSpace = freeSpace;
    }

    /** Reads the corpus (UTF-8, one document per line; blank lines skipped). */
    public static List<String> readCorpus(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": corpus file not found");
        }
        List<String> docs = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                docs.add(line.strip());
            }
        }
        if (docs.isEmpty()) {
            throw new DataFormatException(file, "corpus has no non-blank line");
        }
        return docs;
    }

    /** Learns the tokenizer on {@code documents}. */
    public LlmTokenizer trainTokenizer(List<String> documents) throws IOException {
        BpeTrainer.Vocabulary v = new BpeTrainer(config.vocabSize(), 2).train(documents);
        return LlmTokenizer.fromJson(BpeTrainer.tokenizerJson(v), BpeTrainer.tokenizerConfigJson(config.context()));
    }

    /**
     * Trains on {@code documents} and saves the model in {@code out}; with {@code resume} a run
     * interrupted in {@code out} continues from its checkpoint exactly (a run of the same settings
     * and corpus; a planned run keeps its planned step count, and a time budget counts from the
     * resumption).
     */
    public Result run(List<String> documents, Path out, boolean resume, boolean showProgress) throws IOException {
        Files.createDirectories(out);
        // A directory trained again in place must not look finished with the earlier run's record.
        Files.deleteIfExists(out.resolve(RUN_FILE));
        Path checkpoint = out.resolve(CHECKPOINT);
        Path plan = out.resolve(PLAN_FILE);
        StepLog log = new StepLog(out.resolve(STEP_LOG));
        boolean resuming = resume && Files.exists(checkpoint);
        if (!resuming) {
            Files.deleteIfExists(checkpoint);
            Files.deleteIfExists(plan);
            log.delete();
        }
        try (LlmTokenizer tok = trainTokenizer(documents); NDManager m = TensorDevice.newManager()) {
            LlamaConfig lc = config.llamaConfig(tok.size());
            checkResources(lc, out, checkpoint, resuming);
            int[] stream = encodeStream(tok, documents);
            try (DecoderWeights w = DecoderWeights.random(lc, config.seed(), 0.02f, m);
                 TorchThreads.Scope threads = TorchThreads.forModel(lc)) {
                long start = System.nanoTime();
                int steps = config.steps();
                if (steps == 0) {
                    steps = resuming && Files.exists(plan) ? plannedSteps(plan) : planSteps(w, stream, deadline(start), m);
                    AtomicFile.writeString(plan, steps + "\n");
                }
                Result r = train(w, stream, steps, start, new TrainHooks(null, checkpoint, resuming, showProgress), log, m);
                HfCheckpoint.save(out, w, tok);
                HfCheckpoint.saveGenerationConfig(out, lc);
                saveRun(out, r, documents.size(), stream.length);
                Files.deleteIfExists(checkpoint);
                Files.deleteIfExists(plan);
                log.delete();
                return r;
            }
        }
    }

    /**
     * Refuses, before any weight is allocated, a model whose training does not fit: in memory its
     * weights, gradients and AdamW's two moments (native, float32), and to resume the checkpoint
     * read whole into the Java heap; on disk its checkpoint (two side by side once a later one
     * replaces the first: more steps than {@code checkpointEvery}) and the saved model.
     */
    private void checkResources(LlamaConfig lc, Path out, Path checkpoint, boolean resuming) throws IOException {
        lc.checkFits(AvailableMemory.now(), 0, LlmFootprint.fullTrainingBytes(lc));
        boolean replaced = !resuming && config.checkpointEvery() > 0 && config.steps() > config.checkpointEvery();
        LlmFootprint footprint = LlmFootprint.pretraining(lc, replaced);
        footprint.checkDisk(out, freeSpace.bytes(out), Files.isRegularFile(checkpoint) ? Files.size(checkpoint) : 0);
        if (resuming) {
            footprint.checkResumeHeap(AvailableMemory.heapBytes());
        }
    }

    /** Documents as one stream: {@code <s>} ids {@code </s>} per document. */
    static int[] encodeStream(LlmTokenizer tok, List<String> documents) {
        int[][] parts = new int[documents.size()][];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = tok.encode(documents.get(i));
            n += parts[i].length + 2;
        }
        int[] s = new int[n];
        int k = 0;
        for (int[] p : parts) {
            s[k++] = BpeTrainer.BOS;
            System.arraycopy(p, 0, s, k, p.length);
            k += p.length;
            s[k++] = BpeTrainer.EOS;
        }
        return s;
    }

    /**
     * Trains {@code weights} in place on random windows of {@code stream}: the configured steps,
     * or as many as a timed estimate fits in the time budget; a budget also stops the run at its
     * deadline. {@code hooks} may add a checkpoint (and resumption) and progress.
     */
    public Result train(DecoderWeights weights, int[] stream, TrainHooks hooks, NDManager m) {
        long start = System.nanoTime();
        int steps = config.steps() > 0 ? config.steps() : planSteps(weights, stream, deadline(start), m);
        return train(weights, stream, steps, start, hooks, null, m);
    }

    /** The step count an interrupted time-budgeted run planned, from its plan file. */
    private static int plannedSteps(Path plan) throws IOException {
        String text = Files.readString(plan).strip();
        try {
            int steps = Integer.parseInt(text);
            if (steps > 0) {
                return steps;
            }
        } catch (NumberFormatException e) {
            // reported below with the text found
        }
        throw new DataFormatException(plan, 1, "steps", "expected a positive integer, got '" + text + "'");
    }

    /** The task of a run of {@code steps} steps over {@code weights} (trained in place). */
    public PretrainTask task(DecoderWeights weights, int[] stream, int steps, NDManager m) {
        int ctx = Math.min(config.context(), stream.length);
        if (ctx < 2) {
            throw new DataFormatException("the corpus encodes to " + stream.length + " tokens; need at least 2");
        }
        return new PretrainTask(weights, stream, ctx, config.batchSize(), steps, m);
    }

    /**
     * The number of steps that fits before {@code deadline} ({@link System#nanoTime()}), at least
     * one: {@value #TIMED_STEPS} steps after a warm-up step are timed on a scratch copy of {@code
     * weights} (which stays as it is), so the estimate includes the optimiser and the clipping.
     */
    public int planSteps(DecoderWeights weights, int[] stream, long deadline, NDManager m) {
        int timed = TIMED_STEPS + 1;
        long[] after = new long[timed + 1];
        try (DecoderWeights scratch = weights.with(weights.config(), Map.of(), m)) {
            new Trainer(config.trainConfig(timed)).fit(task(scratch, stream, timed, m), TrainHooks.none().withStop(done -> {
                after[(int) done] = System.nanoTime();
                return false;
            }));
        }
        double perStep = (after[timed] - after[1]) / (double) TIMED_STEPS;
        double fits = (deadline - System.nanoTime()) / Math.max(1, perStep);
        return (int) Math.max(1, Math.min(fits, Integer.MAX_VALUE / config.batchSize()));
    }

    private long deadline(long start) {
        return start + (long) (config.minutes() * 60e9);
    }

    private Result train(DecoderWeights weights, int[] stream, int steps, long start, TrainHooks hooks, StepLog log,
                         NDManager m) {
        PretrainTask task = task(weights, stream, steps, m);
        if (log != null) {
            task.setListener((step, loss) -> log.append("train", step, loss));
        }
        long deadline = deadline(start);
        TrainHooks h = config.minutes() > 0 ? hooks.withStop(done -> System.nanoTime() - deadline >= 0) : hooks;
        long fitStart = System.nanoTime();
        TrainResult r = new Trainer(config.trainConfig(steps)).fit(task, h);
        long end = System.nanoTime();
        // The whole run's losses: this call's, and those before a resumption from the step log.
        double[] curve = new double[Math.toIntExact(r.globalSteps())];
        Arrays.fill(curve, Double.NaN);
        if (log != null) {
            curve = log.read("train", curve.length);
        }
        for (int i = 0; i < r.losses().length; i++) {
            curve[(int) r.firstStep() + i] = r.losses()[i];
        }
        float last = Float.NaN;
        for (int i = curve.length - 1; i >= 0 && Float.isNaN(last); i--) {
            last = Double.isFinite(curve[i]) ? (float) curve[i] : Float.NaN; // the last step that was not skipped
        }
        double fitSeconds = (end - fitStart) / 1e9;
        return new Result(Math.toIntExact(r.globalSteps()), steps, r.stopRequested(), r.firstStep(),
                curve.length == 0 ? Float.NaN : (float) curve[0], last, (end - start) / 1e9,
                fitSeconds > 0 ? r.losses().length * task.tokensPerStep() / fitSeconds : 0,
                weights.config().parameterCount(), weights.config().vocabSize(), r.skippedSteps(), r.losses());
    }

    private void saveRun(Path out, Result r, int documents, int streamTokens) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("format", RUN_FORMAT);
        n.put("format_version", RUN_VERSION);
        n.set("config", om.valueToTree(config));
        n.put("documents", documents);
        n.put("corpus_tokens", streamTokens);
        n.put("vocab_size", r.vocabSize());
        n.put("parameters", r.parameters());
        n.put("steps", r.steps());
        n.put("planned_steps", r.plannedSteps());
        n.put("deadline_reached", r.deadlineReached());
        n.put("resumed_from_step", r.firstStep());
        n.put("first_loss", r.firstLoss());
        n.put("last_loss", r.lastLoss());
        n.put("skipped_steps", r.skippedSteps());
        n.put("seconds", r.seconds());
        n.put("tokens_per_second", r.tokensPerSecond());
        AtomicFile.writeString(out.resolve(RUN_FILE), om.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
}
