package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Embedding tables held as one row-major {@code float[]} (row r of width d at r·d): dot products
 * of rows, copies of rows, and rows gathered into NDArrays for {@link Recommender#intermediates}.
 * Shapes: B rows gathered, d row width.
 */
public final class RowMajor {
    private RowMajor() {
    }

    /** a[aOff .. aOff+dim) · b[bOff .. bOff+dim). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
        float s = 0;
        for (int j = 0; j < dim; j++) {
            s += a[aOff + j] * b[bOff + j];
        }
        return s;
    }

    /** Copies of {@code count} rows from row {@code firstRow} on, count × dim. */
    public static float[][] rows(float[] table, int firstRow, int count, int dim) {
        float[][] out = new float[count][];
        for (int r = 0; r < count; r++) {
            int o = (firstRow + r) * dim;
            out[r] = Arrays.copyOfRange(table, o, o + dim);
        }
        return out;
    }

    /** The rows (each {@code dim} wide) as one row-major table: the inverse of {@link #rows}. */
    public static float[] table(float[][] rows, int dim) {
        float[] out = new float[rows.length * dim];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != dim) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, expected " + dim);
            }
            System.arraycopy(rows[r], 0, out, r * dim, dim);
        }
        return out;
    }

    /** B × d rows {@code ids} of {@code table} as an NDArray in {@code manager}. */
    public static NDArray gather(NDManager manager, float[] table, int dim, int[] ids) {
        float[] out = new float[ids.length * dim];
        for (int b = 0; b < ids.length; b++) {
            System.arraycopy(table, ids[b] * dim, out, b * dim, dim);
        }
        return manager.create(out, new Shape(ids.length, dim));
    }

    /** {@code values} as a B × 1 NDArray in {@code manager}. */
    public static NDArray column(NDManager manager, float[] values) {
        return manager.create(values, new Shape(values.length, 1));
    }
}
