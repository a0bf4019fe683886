package org.tandemrec.crm;

import java.util.Arrays;

/**
 * Ragged rows of ids (item categories, user profiles, histories, sequences) stored as a
 * model-file tensor: rows × longest-row floats, padded with −1 (ids below 2^24 are exact in a float).
 */
public final class RaggedRows {
    private RaggedRows() {
    }

    /** The rows as a padded tensor; refuses an id of 2^24 or more. */
    public static ModelFile.Tensor toTensor(int[][] rows) {
        int width = 1;
        for (int[] r : rows) {
            width = Math.max(width, r.length);
        }
        float[] v = new float[rows.length * width];
        Arrays.fill(v, -1f);
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < rows[i].length; k++) {
                if (rows[i][k] >= (1 << 24)) {
                    throw new IllegalArgumentException("id " + rows[i][k] + " too large to store exactly");
                }
                v[i * width + k] = rows[i][k];
            }
        }
        return new ModelFile.Tensor(rows.length, width, v);
    }

    /** The rows of a tensor written by {@link #toTensor}, padding dropped. */
    public static int[][] fromTensor(ModelFile.Tensor t) {
        int[][] out = new int[t.rows()][];
        for (int i = 0; i < t.rows(); i++) {
            int n = 0;
            while (n < t.cols() && t.values()[i * t.cols() + n] >= 0) {
                n++;
            }
            out[i] = new int[n];
            for (int k = 0; k < n; k++) {
                out[i][k] = (int) t.values()[i * t.cols() + k];
            }
        }
        return out;
    }
}
