package org.tandemrec.train;

/**
 * Learning rate at each optimiser step (0-based), with the Hugging Face conventions: during
 * warm-up lr·s/W; afterwards constant, linear decay lr·(T−s)/(T−W), or cosine
 * lr·½(1+cos(π·(s−W)/(T−W))); W warm-up steps, T total steps.
 */
public record LearningRateSchedule(TrainConfig.ScheduleKind kind, double peak, int warmupSteps, long totalSteps) {

    public LearningRateSchedule {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
    }

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
        return switch (kind) {
            case CONSTANT -> peak;
            case WARMUP_LINEAR -> peak * (1 - progress);
            case COSINE -> peak * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
