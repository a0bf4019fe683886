package org.tandemrec.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named, trainable matrix of {@code rows × cols} floats (row-major) with its gradient.
 *
 * <p>A dense parameter keeps a full gradient array. A row-sparse parameter (an embedding table)
 * keeps gradients only for the rows touched since the last {@link #zeroGrad()}: a slot per
 * touched row in a compact buffer, so the cost of a step follows the rows in the batch, not the
 * table size. Vectors are {@code 1 × n} matrices.
 */
public final class Parameter {
    private final String name;
    private final int rows;
    private final int cols;
    private final float[] value;
    private final boolean rowSparse;
    private final float[] denseGrad;
    private final int[] rowSlot;
    private int[] touchedRows;
    private float[] slotGrad;
    private int touched;

    private Parameter(String name, int rows, int cols, float[] value, boolean rowSparse) {
        Objects.requireNonNull(name, "name");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("parameter " + name + ": shape must be positive, got " + rows + "x" + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameter " + name + ": " + rows + "x" + cols + " exceeds one Java array");
        }
        if (value.length != rows * cols) {
            throw new IllegalArgumentException("parameter " + name + ": " + value.length + " values for shape " + rows + "x" + cols);
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.value = value;
        this.rowSparse = rowSparse;
        if (rowSparse) {
            denseGrad = null;
            rowSlot = new int[rows];
            Arrays.fill(rowSlot, -1);
            touchedRows = new int[16];
            slotGrad = new float[16 * cols];
        } else {
            denseGrad = new float[value.length];
            rowSlot = null;
        }
    }

    /** A dense parameter over {@code value} (not copied). */
    public static Parameter dense(String name, int rows, int cols, float[] value) {
        return new Parameter(name, rows, cols, value, false);
    }

    /** A row-sparse embedding table over {@code value} (not copied). */
    public static Parameter table(String name, int rows, int cols, float[] value) {
        return new Parameter(name, rows, cols, value, true);
    }

    public String name() {
        return name;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public boolean rowSparse() {
        return rowSparse;
    }

    /** The live values, row-major. */
    public float[] value() {
        return value;
    }

    /** The full gradient of a dense parameter. */
    public float[] grad() {
        if (rowSparse) {
            throw new IllegalStateException("parameter " + name + " is row-sparse: use gradSlot(row) and slotGrad()");
        }
        return denseGrad;
    }

    /**
     * The offset in {@link #slotGrad()} of {@code row}'s gradient, creating a zero slot on first
     * touch. Fetch {@link #slotGrad()} after this call: the buffer may grow.
     */
    public int gradSlot(int row) {
        int s = rowSlot[row];
        if (s < 0) {
            if (touched == touchedRows.length) {
                int cap = Math.min(rows, touched * 2);
                touchedRows = Arrays.copyOf(touchedRows, cap);
                slotGrad = Arrays.copyOf(slotGrad, cap * cols);
            }
            s = touched++;
            rowSlot[row] = s;
            touchedRows[s] = row;
            Arrays.fill(slotGrad, s * cols, (s + 1) * cols, 0f);
        }
        return s * cols;
    }

    /** Gradient buffer of the touched rows of a row-sparse parameter; slot k holds row {@code touchedRow(k)}. */
    public float[] slotGrad() {
        return slotGrad;
    }

    /** The slot of {@code row} in the gradient buffer, or -1 when the row is untouched. */
    int slotOf(int row) {
        return rowSlot[row];
    }

    /** Number of rows touched since the last {@link #zeroGrad()}. */
    public int touchedCount() {
        return touched;
    }

    public int touchedRow(int slot) {
        return touchedRows[slot];
    }

    /** Adds {@code scale · src[srcOff .. srcOff+cols)} to the gradient of {@code row}. */
    public void addRowGrad(int row, float[] src, int srcOff, float scale) {
        if (rowSparse) {
            int o = gradSlot(row);
            float[] g = slotGrad;
            for (int j = 0; j < cols; j++) {
                g[o + j] += scale * src[srcOff + j];
            }
        } else {
            int o = row * cols;
            for (int j = 0; j < cols; j++) {
                denseGrad[o + j] += scale * src[srcOff + j];
            }
        }
    }

    /** Clears the gradient; for a row-sparse parameter in time proportional to the touched rows. */
    public void zeroGrad() {
        if (rowSparse) {
            for (int k = 0; k < touched; k++) {
                rowSlot[touchedRows[k]] = -1;
            }
            touched = 0;
        } else {
            Arrays.fill(denseGrad, 0f);
        }
    }

    /** Sum of squared gradient entries. */
    double gradSquaredNorm() {
        double s = 0;
        if (rowSparse) {
            for (int i = 0, n = touched * cols; i < n; i++) {
                s += (double) slotGrad[i] * slotGrad[i];
            }
        } else {
            for (float g : denseGrad) {
                s += (double) g * g;
            }
        }
        return s;
    }

    void scaleGrad(float factor) {
        if (rowSparse) {
            for (int i = 0, n = touched * cols; i < n; i++) {
                slotGrad[i] *= factor;
            }
        } else {
            for (int i = 0; i < denseGrad.length; i++) {
                denseGrad[i] *= factor;
            }
        }
    }
}
