package org.tandemrec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named, trainable matrix of {@code rows × cols} floats with its gradient, in one of four
 * {@link Kind}s.
 *
 * <ul>
 *   <li>{@link Kind#DENSE}: a Java array (row-major) with a full gradient array.</li>
 *   <li>{@link Kind#TABLE}: a Java array whose gradient is kept only for the rows touched since
 *       the last {@link #zeroGrad()} (an embedding table): a slot per touched row in a compact
 *       buffer, so the cost of a step follows the rows in the batch, not the table size.</li>
 *   <li>{@link Kind#TENSOR}: a native float32 tensor ({@link NDArray}, updated in place) of which
 *       the rows from {@link #firstRow()} on train (0: all; e.g. the ID-token rows a vocabulary
 *       extension appended to an embedding). Its gradient is a tensor of the trainable slice's
 *       shape that the task hands over with {@link #addGrad(NDArray)}; rows × cols are the
 *       slice's first dimension × the product of the others (a vector is 1 × n). The trained
 *       rows may also end before the tensor does ({@link #tensor(String, NDArray, int, int)}).</li>
 *   <li>{@link Kind#ROW_SPARSE_TENSOR}: the rows of a native two-dimensional tensor from {@link
 *       #firstRow()} on (ID-token rows of an embedding or LM head), with a TABLE's gradient: a
 *       slot per row touched since the last {@link #zeroGrad()}, added with {@link #addRowGrad}.
 *       The optimiser updates only the touched rows ({@link AdamOptimizer}), so neither the
 *       gradient nor the update of a step grows with the number of rows.</li>
 * </ul>
 */
public final class Parameter {
    /** How the values and the gradient are held. */
    public enum Kind { DENSE, TABLE, TENSOR, ROW_SPARSE_TENSOR }

    private final String name;
    private final Kind kind;
    private final int rows;
    private final int cols;
    private final float[] value;
    private final float[] denseGrad;
    private final RowSlots slots;
    private float[] slotGrad;
    private final NDArray tensor;
    private final int firstRow;
    private final Shape trainableShape;
    private NDArray tensorGrad;

    private Parameter(String name, Kind kind, int rows, int cols, float[] value, NDArray tensor, int firstRow,
                      Shape trainableShape) {
        Objects.requireNonNull(name, "name");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("parameter " + name + ": shape must be positive, got " + rows + "x" + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameter " + name + ": " + rows + "x" + cols + " exceeds one Java array");
        }
        if (value != null && value.length != rows * cols) {
            throw new IllegalArgumentException("parameter " + name + ": " + value.length + " values for shape " + rows + "x" + cols);
        }
        this.name = name;
        this.kind = kind;
        this.rows = rows;
        this.cols = cols;
        this.value = value;
        this.tensor = tensor;
        this.firstRow = firstRow;
        this.trainableShape = trainableShape;
        this.denseGrad = kind == Kind.DENSE ? new float[value.length] : null;
        if (kind == Kind.TABLE || kind == Kind.ROW_SPARSE_TENSOR) {
            slots = new RowSlots();
            slotGrad = new float[Math.min(rows, 16) * cols];
        } else {
            slots = null;
        }
    }

    /** A dense parameter over {@code value} (not copied). */
    public static Parameter dense(String name, int rows, int cols, float[] value) {
        return new Parameter(name, Kind.DENSE, rows, cols, value, null, 0, null);
    }

    /** A row-sparse embedding table over {@code value} (not copied). */
    public static Parameter table(String name, int rows, int cols, float[] value) {
        return new Parameter(name, Kind.TABLE, rows, cols, value, null, 0, null);
    }

    /**
     * A native tensor trained in place from row {@code firstRow} on (0: all of it). The tensor
     * must be float32, at least one-dimensional and writable: not a read-only memory-mapped load.
     */
    public static Parameter tensor(String name, NDArray value, int firstRow) {
        Objects.requireNonNull(value, "value");
        return tensor(name, value, firstRow, value.getShape().dimension() < 1 ? 1 : Math.toIntExact(value.getShape().get(0)));
    }

    /**
     * A native tensor of which rows {@code firstRow} (inclusive) to {@code endRow} (exclusive)
     * train in place: e.g. the base vocabulary's rows of an embedding whose ID-token rows train
     * as a {@link #rowSparseTensor}.
     */
    public static Parameter tensor(String name, NDArray value, int firstRow, int endRow) {
        Shape slice = checkedTensor(name, value, firstRow, endRow);
        long r = slice.dimension() == 1 ? 1 : slice.get(0);
        if (slice.size() / r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + value.getShape() + " exceeds one Java array");
        }
        return new Parameter(name, Kind.TENSOR, Math.toIntExact(r), (int) (slice.size() / r), null, value, firstRow, slice);
    }

    /**
     * The rows of the two-dimensional native tensor {@code value} from {@code firstRow} on, with a
     * row-sparse gradient and lazy updates ({@link Kind#ROW_SPARSE_TENSOR}); the tensor must be
     * float32 and writable.
     */
    public static Parameter rowSparseTensor(String name, NDArray value, int firstRow) {
        Objects.requireNonNull(value, "value");
        if (value.getShape().dimension() != 2) {
            throw new IllegalArgumentException("parameter " + name + ": a row-sparse tensor must be two-dimensional, got shape "
                    + value.getShape());
        }
        Shape slice = checkedTensor(name, value, firstRow, Math.toIntExact(value.getShape().get(0)));
        if (slice.get(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + value.getShape() + " exceeds one Java array");
        }
        return new Parameter(name, Kind.ROW_SPARSE_TENSOR, Math.toIntExact(slice.get(0)), (int) slice.get(1), null, value,
                firstRow, slice);
    }

    /** The shape of rows [firstRow, endRow) of a float32 tensor of at least one dimension. */
    private static Shape checkedTensor(String name, NDArray value, int firstRow, int endRow) {
        Objects.requireNonNull(value, "value");
        Shape s = value.getShape();
        if (s.dimension() < 1) {
            throw new IllegalArgumentException("parameter " + name + ": a scalar tensor cannot train, give it shape (1)");
        }
        if (value.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("parameter " + name + ": tensor must be float32, got " + value.getDataType());
        }
        if (firstRow < 0 || firstRow >= s.get(0)) {
            throw new IllegalArgumentException("parameter " + name + ": firstRow must be in [0, " + s.get(0) + "), got " + firstRow);
        }
        if (endRow <= firstRow || endRow > s.get(0)) {
            throw new IllegalArgumentException("parameter " + name + ": endRow must be in (" + firstRow + ", " + s.get(0)
                    + "], got " + endRow);
        }
        long[] dims = s.getShape().clone();
        dims[0] = endRow - firstRow;
        return new Shape(dims);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** Rows that train (a tensor's from {@link #firstRow()}). */
    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** A TABLE or a ROW_SPARSE_TENSOR: the gradient is kept per touched row ({@link #gradSlot}). */
    public boolean rowSparse() {
        return kind == Kind.TABLE || kind == Kind.ROW_SPARSE_TENSOR;
    }

    /** A TENSOR or a ROW_SPARSE_TENSOR: the values live in a native tensor ({@link #tensor()}). */
    public boolean isTensor() {
        return kind == Kind.TENSOR || kind == Kind.ROW_SPARSE_TENSOR;
    }

    /** Number of trained scalars. */
    public long size() {
        return (long) rows * cols;
    }

    /** The live values of a dense parameter or table, row-major. */
    public float[] value() {
        if (isTensor()) {
            throw new IllegalStateException("parameter " + name + " is a native tensor: use tensor()");
        }
        return value;
    }

    /** The whole native tensor of a tensor parameter (live; only rows {@link #firstRow()} to {@link #endRow()} train). */
    public NDArray tensor() {
        requireTensor();
        return tensor;
    }

    /** The first trained row of a tensor parameter (0 for the other kinds). */
    public int firstRow() {
        return firstRow;
    }

    /** One past the last trained row of a tensor parameter (the tensor's rows unless it was given; {@link #rows()} for the other kinds). */
    public int endRow() {
        return isTensor() ? firstRow + Math.toIntExact(trainableShape.get(0)) : rows;
    }

    /** Shape of the trained rows of a tensor parameter: the tensor's shape with only rows {@link #firstRow()} to {@link #endRow()}. */
    public Shape trainableShape() {
        requireTensor();
        return trainableShape;
    }

    /** The full gradient of a dense parameter. */
    public float[] grad() {
        if (kind != Kind.DENSE) {
            throw new IllegalStateException("parameter " + name + " is " + kindName()
                    + (rowSparse() ? ": use gradSlot(row) and slotGrad()" : ": use addGrad(NDArray) and tensorGrad()"));
        }
        return denseGrad;
    }

    /**
     * Adds {@code gradient} (of {@link #trainableShape()}) to a tensor parameter's gradient and
     * takes ownership of it: the first contribution since {@link #zeroGrad()} becomes the
     * gradient itself (no copy; it is moved to the parameter's manager), a later one is added
     * and closed. The caller must not use {@code gradient} afterwards.
     */
    public void addGrad(NDArray gradient) {
        requireDenseTensor();
        if (!gradient.getShape().equals(trainableShape)) {
            throw new IllegalArgumentException("parameter " + name + ": gradient shape " + gradient.getShape()
                    + ", trainable shape " + trainableShape);
        }
        if (tensorGrad == null) {
            gradient.attach(tensor.getManager());
            tensorGrad = gradient;
        } else {
            tensorGrad.addi(gradient);
            gradient.close();
        }
    }

    /** The gradient accumulated since the last {@link #zeroGrad()}, or null when none was added (a zero gradient). */
    public NDArray tensorGrad() {
        requireDenseTensor();
        return tensorGrad;
    }

    private void requireTensor() {
        if (!isTensor()) {
            throw new IllegalStateException("parameter " + name + " is " + kindName() + ", not a native tensor: use value()");
        }
    }

    private void requireDenseTensor() {
        requireTensor();
        if (kind != Kind.TENSOR) {
            throw new IllegalStateException("parameter " + name + " is a row-sparse tensor: use addRowGrad and slotGrad()");
        }
    }

    private String kindName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The offset in {@link #slotGrad()} of {@code row}'s gradient, creating a zero slot on first
     * touch. Fetch {@link #slotGrad()} after this call: the buffer may grow.
     */
    public int gradSlot(int row) {
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("parameter " + name + ": row must be in [0, " + rows + "), got " + row);
        }
        int fresh = slots.size();
        int s = slots.add(row);
        if (s == fresh) {
            if ((s + 1) * cols > slotGrad.length) {
                slotGrad = Arrays.copyOf(slotGrad, Math.min(rows, 2 * s) * cols);
            }
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
        return slots.slotOf(row);
    }

    /** Number of rows touched since the last {@link #zeroGrad()}. */
    public int touchedCount() {
        return slots.size();
    }

    public int touchedRow(int slot) {
        return slots.row(slot);
    }

    /**
     * Adds {@code scale · src[srcOff .. srcOff+cols)} to the gradient of {@code row} (dense or
     * row-sparse; a row-sparse tensor's rows count from its {@link #firstRow()}).
     */
    public void addRowGrad(int row, float[] src, int srcOff, float scale) {
        if (rowSparse()) {
            int o = gradSlot(row);
            float[] g = slotGrad;
            for (int j = 0; j < cols; j++) {
                g[o + j] += scale * src[srcOff + j];
            }
        } else {
            float[] g = grad();
            int o = row * cols;
            for (int j = 0; j < cols; j++) {
                g[o + j] += scale * src[srcOff + j];
            }
        }
    }

    /**
     * Clears the gradient: a row-sparse one's in time proportional to the touched rows; a tensor's
     * gradient is released (its native memory freed).
     */
    public void zeroGrad() {
        switch (kind) {
            case DENSE -> Arrays.fill(denseGrad, 0f);
            case TABLE, ROW_SPARSE_TENSOR -> slots.clear();
            case TENSOR -> {
                if (tensorGrad != null) {
                    tensorGrad.close();
                    tensorGrad = null;
                }
            }
        }
    }

    /** Sum of squared gradient entries (a CPU tensor's read from its memory and summed in double). */
    double gradSquaredNorm() {
        double s = 0;
        switch (kind) {
            case DENSE -> {
                for (float g : denseGrad) {
                    s += (double) g * g;
                }
            }
            case TABLE, ROW_SPARSE_TENSOR -> {
                for (int i = 0, n = slots.size() * cols; i < n; i++) {
                    s += (double) slotGrad[i] * slotGrad[i];
                }
            }
            case TENSOR -> {
                if (tensorGrad != null && TensorMemory.readable(tensorGrad)) {
                    // One pass over the gradient's memory: squaring into a temporary and summing
                    // passed over a large model's gradients three times.
                    s = TensorMemory.squaredNorm(tensorGrad);
                } else if (tensorGrad != null) {
                    try (NDArray sq = tensorGrad.mul(tensorGrad); NDArray sum = sq.sum()) {
                        s = sum.getFloat();
                    }
                }
            }
        }
        return s;
    }

    void scaleGrad(float factor) {
        switch (kind) {
            case DENSE -> {
                for (int i = 0; i < denseGrad.length; i++) {
                    denseGrad[i] *= factor;
                }
            }
            case TABLE, ROW_SPARSE_TENSOR -> {
                for (int i = 0, n = slots.size() * cols; i < n; i++) {
                    slotGrad[i] *= factor;
                }
            }
            case TENSOR -> {
                if (tensorGrad != null) {
                    tensorGrad.muli(factor);
                }
            }
        }
    }

    /**
     * A copy of the gradient as {@link #size()} floats, row-major, whatever the kind (untouched
     * rows of a row-sparse parameter are 0, a tensor without a gradient is all 0): for checks and
     * diagnostics, as large as the parameter.
     */
    public float[] copyGrad() {
        float[] out = new float[Math.toIntExact(size())];
        switch (kind) {
            case DENSE -> System.arraycopy(denseGrad, 0, out, 0, out.length);
            case TABLE, ROW_SPARSE_TENSOR -> {
                for (int s = 0; s < slots.size(); s++) {
                    System.arraycopy(slotGrad, s * cols, out, slots.row(s) * cols, cols);
                }
            }
            case TENSOR -> {
                if (tensorGrad != null) {
                    float[] g = tensorGrad.toFloatArray();
                    System.arraycopy(g, 0, out, 0, out.length);
                }
            }
        }
        return out;
    }

    /** The trained values, row-major: the live array of a dense parameter or table (do not modify), a copy of a tensor's rows. */
    float[] readValues() {
        if (!isTensor()) {
            return value;
        }
        if (firstRow == 0 && endRow() == tensor.getShape().get(0)) {
            return tensor.toFloatArray();
        }
        try (NDArray trained = tensor.get(trainedRows())) {
            return trained.toFloatArray();
        }
    }

    /** The index of the trained rows of a tensor parameter. */
    NDIndex trainedRows() {
        return new NDIndex("{}:{}", firstRow, endRow());
    }

    /** A copy of the trained values, row-major. */
    public float[] copyValues() {
        return isTensor() ? readValues() : value.clone();
    }

    /** Overwrites the trained values with {@code src} (row-major, {@link #size()} values). */
    public void writeValues(float[] src) {
        if (src.length != size()) {
            throw new IllegalArgumentException("parameter " + name + " has " + size() + " values, got " + src.length);
        }
        if (!isTensor()) {
            System.arraycopy(src, 0, value, 0, value.length);
            return;
        }
        try (NDManager m = tensor.getManager().newSubManager()) {
            tensor.set(trainedRows(), m.create(src, trainableShape));
        }
    }
}
