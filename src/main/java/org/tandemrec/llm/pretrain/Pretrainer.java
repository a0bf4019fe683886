package org.tandemrec.llm.pretrain;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.Progress;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.GradientStep;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.LrSchedule;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.tokenizer.BpeTrainer;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/**
 * Trains a small Llama-architecture model from scratch on a text corpus (one document per
 * line): a byte-level BPE vocabulary learned on the corpus, documents encoded as {@code <s>}
 * text {@code </s>} and concatenated into one token stream, next-token loss on seeded random
 * windows of {@code context} tokens, every weight trained with {@link GradientStep}. The result
 * is saved in the Hugging Face layout ({@link HfCheckpoint}, {@code tokenizer.json}, {@code
 * tokenizer_config.json}, {@code generation_config.json}) plus {@value #RUN_FILE} recording the
 * settings and the run, so later steps load it like any user checkpoint.
 */
public final class Pretrainer {
    public static final String RUN_FILE = "tandem_pretrain.json";
    public static final String RUN_FORMAT = "tandem-pretrain-run";
    public static final String RUN_VERSION = "1";

    /** Steps done, the loss of the first and of the last finite step, wall time, training tokens per second, steps skipped. */
    public record Result(int steps, float firstLoss, float lastLoss, double seconds, double tokensPerSecond, long parameters,
                         int vocabSize, int skippedSteps, float[] stepLosses) {
    }

    /** Consecutive skipped (non-finite) steps after which training is declared diverged. */
    static final int MAX_SKIPPED_IN_A_ROW = 10;

    private final PretrainConfig config;

    public Pretrainer(PretrainConfig config) {
        this.config = config;
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
            throw new IllegalArgumentException(file + ": corpus has no non-blank line");
        }
        return docs;
    }

    /** Learns the tokenizer on {@code documents}. */
    public LlmTokenizer trainTokenizer(List<String> documents) throws IOException {
        BpeTrainer.Vocabulary v = new BpeTrainer(config.vocabSize(), 2).train(documents);
        return LlmTokenizer.fromJson(BpeTrainer.tokenizerJson(v), BpeTrainer.tokenizerConfigJson(config.context()));
    }

    /** Trains on {@code documents} and saves the model in {@code out}. */
    public Result run(List<String> documents, Path out) throws IOException {
        try (LlmTokenizer tok = trainTokenizer(documents); NDManager m = NDManager.newBaseManager()) {
            LlamaConfig lc = config.llamaConfig(tok.size());
            int[] stream = encodeStream(tok, documents);
            try (DecoderWeights w = DecoderWeights.random(lc, config.seed(), 0.02f, m)) {
                Result r = train(w, stream, m);
                Files.createDirectories(out);
                HfCheckpoint.save(out, w, tok);
                HfCheckpoint.saveGenerationConfig(out, lc);
                saveRun(out, r, documents.size(), stream.length);
                return r;
            }
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

    /** Trains {@code weights} in place on random windows of {@code stream}. */
    public Result train(DecoderWeights weights, int[] stream, NDManager m) {
        int ctx = Math.min(config.context(), stream.length);
        if (ctx < 2) {
            throw new IllegalArgumentException("the corpus encodes to " + stream.length + " tokens; need at least 2");
        }
        SplittableRandom windows = new SplittableRandom(config.seed()).split();
        long budgetNanos = (long) (config.minutes() * 60e9);
        int maxSteps = config.maxSteps() > 0 ? config.maxSteps() : Integer.MAX_VALUE;
        // With a time budget, the schedule's length is fixed once a few steps have been timed.
        int planned = config.maxSteps() > 0 ? config.maxSteps() : Math.max(config.warmupSteps() * 10, 1000);
        final int timedSteps = 4;
        List<Float> losses = new ArrayList<>();
        int skipped = 0;
        int skippedInARow = 0;
        long start = System.nanoTime();
        long tokens = 0;
        // With a time budget the bar starts once the number of steps is known.
        Progress progress = config.maxSteps() > 0 ? Progress.start("pretrain", planned) : null;
        try (GradientStep opt = new GradientStep(new Decoder(weights, null), GradientStep.allParameters(weights),
                config.adamW(), config.maxGradNorm(), m)) {
            int step = 0;
            long timedFrom = 0;
            while (step < maxSteps) {
                if (budgetNanos > 0) {
                    long now = System.nanoTime();
                    if (now - start >= budgetNanos) {
                        break;
                    }
                    if (step == 1) {
                        timedFrom = now; // the first step includes native warm-up
                    }
                    if (step == 1 + timedSteps && config.maxSteps() == 0) {
                        double perStep = (now - timedFrom) / (double) timedSteps;
                        planned = Math.max(step + 1, (int) ((budgetNanos - (now - start)) / perStep) + step);
                        progress = Progress.start("pretrain", planned);
                        progress.step(step);
                    }
                }
                // A slow machine fits few steps in the budget: warm-up takes at most a fifth of them.
                int warmup = Math.min(config.warmupSteps(), Math.max(1, planned / 5));
                LrSchedule schedule = new LrSchedule(config.lr(), warmup, Math.max(planned, 1), 0.1f);
                TrainBatch b = batch(stream, ctx, windows);
                GradientStep.Outcome o = opt.step(m, List.of(b), schedule.lr(step));
                if (o.skipped()) {
                    skipped++;
                    if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
                        throw new IllegalStateException("training diverged: " + skippedInARow
                                + " steps in a row with a non-finite loss or gradient (at step " + step + ")");
                    }
                } else {
                    skippedInARow = 0;
                }
                losses.add(o.loss());
                tokens += (long) b.ids().length * ctx;
                step++;
                if (progress != null) {
                    progress.setExtra(String.format(Locale.ROOT, "loss %.3f", o.loss()));
                    progress.step(1);
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        float[] l = new float[losses.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = losses.get(i);
        }
        if (l.length == 0) {
            throw new IllegalStateException("no training step fitted in the time budget of " + config.minutes() + " minutes");
        }
        float last = Float.NaN;
        for (int i = l.length - 1; i >= 0 && Float.isNaN(last); i--) {
            last = Float.isFinite(l[i]) ? l[i] : Float.NaN; // the last step that was not skipped
        }
        return new Result(l.length, l[0], last, secs, tokens / secs, weights.config().parameterCount(),
                weights.config().vocabSize(), skipped, l);
    }

    private TrainBatch batch(int[] stream, int ctx, SplittableRandom rnd) {
        int b = config.batchSize();
        int[][] ids = new int[b][ctx];
        int[][] mask = new int[b][ctx];
        int[][] pos = new int[b][ctx];
        for (int i = 0; i < b; i++) {
            int from = rnd.nextInt(stream.length - ctx + 1);
            System.arraycopy(stream, from, ids[i], 0, ctx);
            for (int j = 0; j < ctx; j++) {
                mask[i][j] = 1;
                pos[i][j] = j;
            }
        }
        return new TrainBatch(ids, mask, pos, ids);
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
        n.put("first_loss", r.firstLoss());
        n.put("last_loss", r.lastLoss());
        n.put("skipped_steps", r.skippedSteps());
        n.put("seconds", r.seconds());
        n.put("tokens_per_second", r.tokensPerSecond());
        AtomicFile.writeString(out.resolve(RUN_FILE), om.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
}
