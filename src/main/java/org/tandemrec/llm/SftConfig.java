package org.tandemrec.llm;

/**
 * Settings of supervised fine-tuning: {@code epochs} passes over the examples in a seeded
 * shuffled order, micro-batches of {@code batchSize} accumulated over {@code gradAccumulation}
 * micro-batches per optimiser step, AdamW (β 0.9/0.999, ε 1e-8) at peak rate {@code lr} with
 * {@code warmupSteps} of linear warm-up then cosine decay to {@code lr · minLrRatio}, global
 * gradient-norm clipping at {@code maxGradNorm} (0: off), sequences cut to {@code maxLength}
 * tokens (the prompt loses its beginning first).
 */
public record SftConfig(int epochs, int batchSize, int gradAccumulation, float lr, float weightDecay, int warmupSteps,
                        float minLrRatio, float maxGradNorm, int maxLength, long seed) {
    public SftConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        if (gradAccumulation <= 0) {
            throw new IllegalArgumentException("gradAccumulation must be > 0, got " + gradAccumulation);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0, got " + maxGradNorm);
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
        }
        new LrSchedule(lr, warmupSteps, 1, minLrRatio); // validates lr, warmupSteps, minLrRatio
        adamW(lr, weightDecay);
    }

    /** Defaults for LoRA: 1 epoch, batch 8, no accumulation, lr 2e-4, wd 0, 10 warm-up steps, floor 0.1, clip 1.0, 512 tokens. */
    public static SftConfig loraDefaults(long seed) {
        return new SftConfig(1, 8, 1, 2e-4f, 0f, 10, 0.1f, 1f, 512, seed);
    }

    AdamW.Settings adamW() {
        return adamW(lr, weightDecay);
    }

    private static AdamW.Settings adamW(float lr, float wd) {
        return new AdamW.Settings(lr, 0.9f, 0.999f, 1e-8f, wd);
    }
}
