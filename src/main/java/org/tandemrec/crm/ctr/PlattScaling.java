package org.tandemrec.crm.ctr;

import org.tandemrec.base.UsageException;
import org.tandemrec.crm.Logistic;

/**
 * Post-hoc calibration of a click model's logit z: p = σ(a·z + b), with a and b fitted on held-out
 * labelled rows by maximum likelihood (Platt 1999; with b = 0 this is the temperature scaling of
 * Guo et al. 2017, §4.2, T = 1/a). A monotone map, so rankings and AUC are unchanged; only the
 * probabilities — and with them LogLoss and prediction entropy — move.
 */
public record PlattScaling(double scale, double shift) {
    private static final int MAX_ITERATIONS = 50;

    public PlattScaling {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be > 0 and finite, got " + scale);
        }
        if (!Double.isFinite(shift)) {
            throw new IllegalArgumentException("shift must be finite, got " + shift);
        }
    }

    public static PlattScaling identity() {
        return new PlattScaling(1, 0);
    }

    /** The calibrated logit a·z + b. */
    public double logit(double z) {
        return scale * z + shift;
    }

    /** The calibrated probability σ(a·z + b). */
    public float probability(float z) {
        return (float) (1 / (1 + Math.exp(-logit(z))));
    }

    /**
     * The (a, b) of least LogLoss of {@code labels} (0/1) given {@code logits}: Newton's method on
     * the two-parameter logistic regression, whose loss is convex, with step halving so the loss
     * never rises. Needs both labels present.
     */
    public static PlattScaling fit(float[] logits, float[] labels) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException("logits and labels differ in length: " + logits.length + ", " + labels.length);
        }
        boolean pos = false;
        boolean neg = false;
        for (float y : labels) {
            if (y != 0 && y != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + y);
            }
            pos |= y == 1;
            neg |= y == 0;
        }
        if (!pos || !neg) {
            throw new UsageException("calibration needs both positive and negative rows");
        }
        boolean constant = true;
        double positives = 0;
        for (int i = 0; i < logits.length; i++) {
            constant &= logits[i] == logits[0];
            positives += labels[i];
        }
        if (constant) {
            // No spread to scale: only the shift is identified, and it makes p the observed click rate.
            double rate = positives / labels.length;
            return new PlattScaling(1, Math.log(rate / (1 - rate)) - logits[0]);
        }
        double a = 1;
        double b = 0;
        double loss = loss(logits, labels, a, b);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (int i = 0; i < logits.length; i++) {
                double z = logits[i];
                double p = 1 / (1 + Math.exp(-(a * z + b)));
                double r = p - labels[i];
                double w = p * (1 - p);
                ga += r * z;
                gb += r;
                haa += w * z * z;
                hab += w * z;
                hbb += w;
            }
            double det = haa * hbb - hab * hab;
            if (!(det > 0)) {
                break;
            }
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            double step = 1;
            double next = Double.NaN;
            while (step > 1e-6) {
                next = loss(logits, labels, a - step * da, b - step * db);
                if (next <= loss && a - step * da > 0) {
                    break;
                }
                step /= 2;
            }
            if (!(step > 1e-6)) {
                break;
            }
            a -= step * da;
            b -= step * db;
            boolean converged = loss - next < 1e-12 * logits.length;
            loss = next;
            if (converged) {
                break;
            }
        }
        return new PlattScaling(a, b);
    }

    /** Summed binary cross-entropy of σ(a·z + b), computed stably as softplus(±x). */
    static double loss(float[] logits, float[] labels, double a, double b) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            double x = a * logits[i] + b;
            double m = labels[i] == 1 ? -x : x;
            s += Logistic.softplus(m);
        }
        return s;
    }
}
