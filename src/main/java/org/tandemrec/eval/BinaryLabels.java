package org.tandemrec.eval;

import java.util.Objects;

/**
 * Validates 0/1 label arrays and turns them into {@code boolean[]} (true = positive), so every
 * metric accepts both {@code int[]} and {@code float[]} labels and rejects anything else with
 * the offending index and value.
 */
final class BinaryLabels {
    private BinaryLabels() {
    }

    static boolean[] of(float[] labels) {
        Objects.requireNonNull(labels, "labels");
        boolean[] out = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            float v = labels[i];
            if (v == 1f) {
                out[i] = true;
            } else if (v != 0f) {
                throw new IllegalArgumentException("labels[" + i + "] = " + v + ", expected 0 or 1");
            }
        }
        return out;
    }

    static boolean[] of(int[] labels) {
        Objects.requireNonNull(labels, "labels");
        boolean[] out = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            if (v == 1) {
                out[i] = true;
            } else if (v != 0) {
                throw new IllegalArgumentException("labels[" + i + "] = " + v + ", expected 0 or 1");
            }
        }
        return out;
    }

    static void sameLength(int labels, int scores) {
        if (labels != scores) {
            throw new IllegalArgumentException("labels and scores differ in length: " + labels + " != " + scores);
        }
        if (labels == 0) {
            throw new IllegalArgumentException("no examples: labels and scores are empty");
        }
    }

    static void checkNotNaN(double v, int i) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("scores[" + i + "] is NaN");
        }
    }
}
