package org.tandemrec.train;

import org.tandemrec.base.UsageException;

/**
 * Learning rate at each optimiser step s (0-based) with the conventions of Hugging Face
 * transformers' schedules ({@code get_constant_schedule_with_warmup}, {@code
 * get_linear_schedule_with_warmup}, {@code get_cosine_schedule_with_warmup} and, with a floor,
 * {@code get_cosine_with_min_lr_schedule_with_warmup}). W warm-up steps, T total steps, r the
 * floor ratio, p = (s − W) / (T − W) capped at 1:
 * <pre>
 *   s &lt; W:     lr·s/W                       (step 0 runs at rate 0)
 *   constant:  lr
 *   linear:    lr·(r + (1 − r)·(1 − p))
 *   cosine:    lr·(r + (1 − r)·½(1 + cos(π·p)))
 * </pre>
 * The floor r applies to the two decays (transformers has it for the cosine); r = 0 decays to 0
 * at the last step.
 */
public record LearningRateSchedule(TrainConfig.ScheduleKind kind, double peak, int warmupSteps, long totalSteps,
                                   double minRatio) {

    public LearningRateSchedule {
        if (totalSteps <= 0) {
            throw new UsageException("totalSteps must be > 0, got " + totalSteps);
        }
        if (warmupSteps < 0) {
            throw new UsageException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (!(minRatio >= 0 && minRatio <= 1)) {
            throw new UsageException("minRatio must be in [0, 1], got " + minRatio);
        }
    }

    /** The schedule of {@code config} over a run of {@code totalSteps} optimiser steps. */
    public static LearningRateSchedule of(TrainConfig config, long totalSteps) {
        return new LearningRateSchedule(config.schedule(), config.learningRate(), config.warmupSteps(), totalSteps,
                config.minLrRatio());
    }

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
        double decayed = switch (kind) {
            case CONSTANT -> 1;
            case WARMUP_LINEAR -> 1 - progress;
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * progress));
        };
        return kind == TrainConfig.ScheduleKind.CONSTANT ? peak : peak * (minRatio + (1 - minRatio) * decayed);
    }
}
