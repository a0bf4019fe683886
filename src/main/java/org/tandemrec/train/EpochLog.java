package org.tandemrec.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.eval.Curve;

/**
 * Each finished epoch's mean training loss and validation metric, appended to a {@link StepLog}
 * file as the run trains (so a resumed run still reports every epoch) and read back as the
 * report's curves: "training loss by epoch" and "validation METRIC by epoch".
 */
public final class EpochLog {
    private final StepLog log;

    public EpochLog(Path file) {
        this.log = new StepLog(file);
    }

    /** {@code hooks} that also log every finished epoch here. */
    public TrainHooks hooks(TrainHooks hooks) {
        return hooks.withEpochListener((epoch, loss, validation) -> {
            log.append("train", epoch, loss);
            if (Double.isFinite(validation)) {
                log.append("valid", epoch, validation);
            }
        });
    }

    /**
     * The logged epochs of a run of up to {@code epochs} epochs as curves named {@code model}, in
     * the groups {@code prefix + "training loss by epoch"} and, when the run was validated on
     * {@code validationMetric} (may be null), {@code prefix + "validation METRIC by epoch"}; epochs
     * not logged (after early stopping) are left out, and so is a curve without points.
     */
    public List<Curve> curves(String prefix, String model, int epochs, String validationMetric) {
        List<Curve> out = new ArrayList<>();
        Curve train = curve(prefix + "training loss by epoch", model, "loss", log.read("train", epochs));
        if (train != null) {
            out.add(train);
        }
        if (validationMetric != null) {
            Curve valid = curve(prefix + "validation " + validationMetric + " by epoch", model, validationMetric,
                    log.read("valid", epochs));
            if (valid != null) {
                out.add(valid);
            }
        }
        return out;
    }

    /** Removes the file (before a fresh run, and once a finished run's curves are in its results). */
    public void delete() {
        log.delete();
    }

    /** The finite values of {@code values} (index: epoch) as a curve, null when none is finite. */
    public static Curve curve(String group, String model, String yLabel, double[] values) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int e = 0; e < values.length; e++) {
            if (Double.isFinite(values[e])) {
                x.add((double) e);
                y.add(values[e]);
            }
        }
        return x.isEmpty() ? null : new Curve(group, model, "epoch", yLabel,
                x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
