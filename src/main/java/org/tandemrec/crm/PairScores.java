package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Dot products and row gathers over row-major U × d / I × d tables. */
final class PairScores {
    private PairScores() {
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
        float s = 0;
        for (int j = 0; j < dim; j++) {
            s += a[aOff + j] * b[bOff + j];
        }
        return s;
    }

    /** B × d rows {@code ids} of {@code table} as an NDArray. */
    static NDArray gather(NDManager manager, float[] table, int dim, int[] ids) {
        float[] out = new float[ids.length * dim];
        for (int b = 0; b < ids.length; b++) {
            System.arraycopy(table, ids[b] * dim, out, b * dim, dim);
        }
        return manager.create(out, new Shape(ids.length, dim));
    }

    static NDArray column(NDManager manager, float[] values) {
        return manager.create(values, new Shape(values.length, 1));
    }

    static float[][] rows(float[] table, int offsetRows, int count, int dim) {
        float[][] out = new float[count][];
        for (int r = 0; r < count; r++) {
            int o = (offsetRows + r) * dim;
            out[r] = java.util.Arrays.copyOfRange(table, o, o + dim);
        }
        return out;
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}
