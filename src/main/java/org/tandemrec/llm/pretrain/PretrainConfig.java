package org.tandemrec.llm.pretrain;

import org.tandemrec.llm.decoder.AdamW;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.LrSchedule;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.tokenizer.BpeTrainer;

/**
 * Settings of training a small Llama-architecture model from scratch: the architecture (H
 * {@code hidden}, L {@code layers}, N {@code heads}, K {@code kvHeads}, I {@code intermediate},
 * {@code context} tokens, a byte-level BPE vocabulary of {@code vocabSize} learned on the
 * corpus, LM head tied to the embeddings), and the optimisation: batches of {@code batchSize}
 * random windows of the token stream, AdamW (β 0.9/0.95, ε 1e-8, decay {@code weightDecay}) at
 * peak {@code lr} with {@code warmupSteps} of warm-up and cosine decay to {@code lr · 0.1},
 * clipping at {@code maxGradNorm}. Training stops after {@code maxSteps} steps or {@code
 * minutes} of wall time, whichever comes first (0 means no limit of that kind; one must be set).
 */
public record PretrainConfig(int hidden, int layers, int heads, int kvHeads, int intermediate, int context, int vocabSize,
                             int batchSize, float lr, float weightDecay, int warmupSteps, float maxGradNorm, int maxSteps,
                             double minutes, long seed) {
    public PretrainConfig {
        positive("hidden", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("intermediate", intermediate);
        positive("batchSize", batchSize);
        if (context < 8) {
            throw new IllegalArgumentException("context must be >= 8, got " + context);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0, got " + maxSteps);
        }
        if (!(minutes >= 0)) {
            throw new IllegalArgumentException("minutes must be >= 0, got " + minutes);
        }
        if (maxSteps == 0 && minutes == 0) {
            throw new IllegalArgumentException("maxSteps or minutes must be > 0 (one must bound the training)");
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0, got " + maxGradNorm);
        }
        new BpeTrainer(vocabSize, 2); // validates vocabSize
        new LrSchedule(lr, warmupSteps, 1, 0.1f);
        adamW(lr, weightDecay);
        llama(vocabSize, hidden, layers, heads, kvHeads, intermediate, context); // validates the architecture
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + v);
        }
    }

    /**
     * The demo model: H 256, L 4, N 4, K 2 (head dimension 64), I 1024, context 128, vocabulary
     * 3000, batch 8 × 128 tokens, lr 3e-3; 2.5 minutes. At H 192 the element-wise work around
     * the narrower matmuls held training below 60 % of the matmul peak.
     */
    public static PretrainConfig demo(long seed) {
        return new PretrainConfig(256, 4, 4, 2, 1024, 128, 3000, 8, 3e-3f, 0.01f, 20, 1f, 0, 2.5, seed);
    }

    /** The same settings with another time and step budget. */
    public PretrainConfig withBudget(int steps, double mins) {
        return new PretrainConfig(hidden, layers, heads, kvHeads, intermediate, context, vocabSize, batchSize, lr, weightDecay,
                warmupSteps, maxGradNorm, steps, mins, seed);
    }

    /** The architecture for a tokenizer of {@code actualVocab} ids. */
    public LlamaConfig llamaConfig(int actualVocab) {
        return llama(actualVocab, hidden, layers, heads, kvHeads, intermediate, context);
    }

    private static LlamaConfig llama(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate, int context) {
        return new LlamaConfig("llama", hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-5,
                RopeScaling.plain(10000), false, true, vocab, BpeTrainer.BOS, BpeTrainer.EOS, BpeTrainer.PAD, context);
    }

    AdamW.Settings adamW() {
        return adamW(lr, weightDecay);
    }

    private static AdamW.Settings adamW(float lr, float wd) {
        return new AdamW.Settings(lr, 0.9f, 0.95f, 1e-8f, wd);
    }
}
