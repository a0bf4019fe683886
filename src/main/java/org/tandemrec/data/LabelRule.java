package org.tandemrec.data;

import org.tandemrec.base.UsageException;

/**
 * How explicit ratings become binary labels: rating ≥ threshold is positive (MovieLens ≥ 4,
 * Amazon-Books = 5 as CoReLLa §4.1), or every interaction is positive (implicit feedback, as
 * BDLM's leave-one-out protocol).
 */
public record LabelRule(boolean implicit, float threshold) {
    public LabelRule {
        if (!implicit && !Float.isFinite(threshold)) {
            throw new UsageException("threshold must be finite, got " + threshold);
        }
    }

    public static LabelRule implicitFeedback() {
        return new LabelRule(true, Float.NaN);
    }

    public static LabelRule atLeast(float threshold) {
        return new LabelRule(false, threshold);
    }

    /** Parses "implicit" or "ge:4" / "&gt;=4" / a bare number meaning at-least. */
    public static LabelRule parse(String spec) {
        String s = spec.trim();
        if (s.equalsIgnoreCase("implicit")) {
            return implicitFeedback();
        }
        if (s.startsWith("ge:")) {
            s = s.substring(3);
        } else if (s.startsWith(">=")) {
            s = s.substring(2);
        }
        try {
            return atLeast(Float.parseFloat(s.trim()));
        } catch (NumberFormatException e) {
            throw new UsageException("label rule must be 'implicit' or '>=T', got '" + spec + "'");
        }
    }

    public float label(float rating) {
        return implicit || rating >= threshold ? 1f : 0f;
    }

    /** The table with every value replaced by its 0/1 label. */
    public InteractionTable apply(InteractionTable table) {
        float[] labels = new float[table.size()];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = label(table.value(r));
        }
        return table.withValues(labels);
    }

    @Override
    public String toString() {
        return implicit ? "implicit" : ">=" + threshold;
    }
}
