package org.tandemrec.llm.decoder;

/**
 * Learning rate by optimiser step: linear warm-up from 0 to {@code peak} over {@code warmupSteps},
 * then cosine decay to {@code peak · minRatio} at {@code totalSteps} (as transformers' {@code
 * get_cosine_schedule_with_warmup}, with a floor). Steps count from 0.
 */
public record LrSchedule(float peak, int warmupSteps, int totalSteps, float minRatio) {
    public LrSchedule {
        if (!(peak > 0)) {
            throw new IllegalArgumentException("peak must be > 0, got " + peak);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
        if (!(minRatio >= 0 && minRatio <= 1)) {
            throw new IllegalArgumentException("minRatio must be in [0, 1], got " + minRatio);
        }
    }

    /** The rate for optimiser step {@code step} (0-based). */
    public float lr(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (warmupSteps + 1);
        }
        int decay = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / (double) decay);
        double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (peak * (minRatio + (1 - minRatio) * cos));
    }
}
