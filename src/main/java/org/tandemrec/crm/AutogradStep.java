package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.base.GradientRecording;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TensorConstants;

/**
 * One forward (and, when training, backward) pass of a DJL autograd model over plain-Java
 * {@link Parameter}s, so that DJL models train under the shared {@link org.tandemrec.train.Trainer}.
 *
 * <p>Dense parameters become NDArrays that require gradients. A row-sparse table contributes
 * only the rows a batch touches: its unique ids form a small K × d table and the batch's ids are
 * remapped into it, so a step costs O(rows touched), not O(table). After {@link #backward} the
 * gradients are added into the parameters (touched rows only for tables). One NDManager per
 * step, closed with the step. A training step records on its own thread only, so models may
 * train on several threads at once; open and close a step on one thread.
 */
public final class AutogradStep implements AutoCloseable {
    private final NDManager manager;
    private final GradientRecording collector;
    private final List<Bound> bound = new ArrayList<>();
    private final List<BoundFields> boundFields = new ArrayList<>();

    private record Bound(Parameter parameter, NDArray array, int[] rows, int[][] bags, int keep) {
        Bound(Parameter parameter, NDArray array, int[] rows) {
            this(parameter, array, rows, null, 0);
        }
    }

    /** Input fields gathered into one wide array; their gradient is split back by {@link #backward}. */
    private record BoundFields(NDArray array, List<Field> fields, int width) {
    }

    /**
     * One input field of {@link #fields}: either one row per example ({@code ids}, B) or the mean
     * of the last {@code keep} rows of each example's bag ({@code bags}, B ragged rows; an empty
     * bag gives a zero vector).
     */
    public record Field(Parameter table, int[] ids, int[][] bags, int keep) {
        public Field {
            if ((ids == null) == (bags == null)) {
                throw new IllegalArgumentException("field of " + table.name() + ": exactly one of ids and bags is required");
            }
        }

        public static Field lookup(Parameter table, int[] ids) {
            return new Field(table, ids, null, 1);
        }

        public static Field meanOf(Parameter table, int[][] bags, int keep) {
            return new Field(table, null, bags, keep);
        }

        int size() {
            return ids != null ? ids.length : bags.length;
        }
    }

    /** Rows of a table gathered for one batch: a K × d table and the batch's ids remapped into it. */
    public record Rows(NDArray table, NDArray index) {
        /** The embeddings of {@link #index}: index shape × d. */
        public NDArray lookup() {
            return table.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
        }
    }

    private AutogradStep(boolean training) {
        this.manager = TensorDevice.newManager();
        this.collector = training ? new GradientRecording() : null;
    }

    /** A step that records gradients. */
    public static AutogradStep training() {
        return new AutogradStep(true);
    }

    /** A forward-only step (scoring): no gradients are kept. */
    public static AutogradStep inference() {
        return new AutogradStep(false);
    }

    public NDManager manager() {
        return manager;
    }

    public boolean isTraining() {
        return collector != null;
    }

    /**
     * A constant (no gradient) holding a copy of {@code values} in engine-owned memory
     * ({@link TensorConstants} says why): graph code uses {@link #scalar} and these constants
     * instead of the engine's Number overloads.
     */
    public NDArray constant(float[] values, Shape shape) {
        return TensorConstants.of(manager, values, shape);
    }

    /** A one-element constant that broadcasts (use instead of the engine's Number overloads). */
    public NDArray scalar(float value) {
        return constant(new float[] {value}, new Shape(1));
    }

    /** Integer indices (int64) as a constant, copied like {@link #constant}. */
    public NDArray indices(long[] values, Shape shape) {
        return TensorConstants.of(manager, values, shape);
    }

    /** The whole parameter as a rows × cols array (1 × n vectors broadcast over a batch). */
    public NDArray dense(Parameter p) {
        NDArray a = constant(p.value(), new Shape(p.rows(), p.cols()));
        if (collector != null) {
            a.setRequiresGradient(true);
            bound.add(new Bound(p, a, null));
        }
        return a;
    }

    /**
     * Gathers the rows {@code ids} of {@code p}; {@code indexShape} is the shape the remapped
     * index takes (its size must equal {@code ids.length}).
     */
    public Rows rows(Parameter p, int[] ids, Shape indexShape) {
        if (indexShape.size() != ids.length) {
            throw new IllegalArgumentException("index shape " + indexShape + " does not hold " + ids.length + " ids");
        }
        int[] unique = ids.clone();
        Arrays.sort(unique);
        int k = 0;
        for (int i = 0; i < unique.length; i++) {
            if (i == 0 || unique[i] != unique[i - 1]) {
                unique[k++] = unique[i];
            }
        }
        unique = Arrays.copyOf(unique, Math.max(k, 1));
        if (k > 0 && (unique[0] < 0 || unique[k - 1] >= p.rows())) {
            throw new IllegalArgumentException("parameter " + p.name() + ": row id outside [0," + p.rows() + ")");
        }
        int d = p.cols();
        float[] small = new float[unique.length * d];
        for (int r = 0; r < k; r++) {
            System.arraycopy(p.value(), unique[r] * d, small, r * d, d);
        }
        long[] remapped = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            remapped[i] = Arrays.binarySearch(unique, 0, k, ids[i]);
        }
        NDArray table = constant(small, new Shape(unique.length, d));
        if (collector != null) {
            table.setRequiresGradient(true);
            bound.add(new Bound(p, table, k == 0 ? new int[0] : unique));
        }
        return new Rows(table, indices(remapped, indexShape));
    }

    /**
     * The mean of the embeddings of each bag's last {@code keep} ids (B × d; a zero row for an
     * empty bag), pooled in Java: cheaper than gathering B·keep rows into the engine, and its
     * gradient is spread back over the bag's rows by {@link #backward}.
     */
    public NDArray meanBag(Parameter p, int[][] bags, int keep) {
        int d = p.cols();
        float[] v = p.value();
        float[] pooled = new float[bags.length * d];
        for (int b = 0; b < bags.length; b++) {
            int[] ids = bags[b];
            int n = Math.min(keep, ids.length);
            if (n == 0) {
                continue;
            }
            float w = 1f / n;
            int o = b * d;
            for (int k = ids.length - n; k < ids.length; k++) {
                int id = ids[k];
                if (id < 0 || id >= p.rows()) {
                    throw new IllegalArgumentException("parameter " + p.name() + ": row id " + id + " outside [0,"
                            + p.rows() + ")");
                }
                for (int c = 0, r = id * d; c < d; c++) {
                    pooled[o + c] += w * v[r + c];
                }
            }
        }
        NDArray a = constant(pooled, new Shape(bags.length, d));
        if (collector != null) {
            a.setRequiresGradient(true);
            bound.add(new Bound(p, a, null, bags, keep));
        }
        return a;
    }

    /**
     * The fields' embeddings side by side, B × (Σ field widths), gathered and pooled in Java into
     * one array: a single engine input instead of a lookup, a remapped index and a concatenation
     * per field, which for small embeddings cost more than the arithmetic. The gradient of the
     * array is scattered back into the tables' touched rows by {@link #backward}.
     */
    public NDArray fields(List<Field> fields) {
        int b = fields.isEmpty() ? 0 : fields.get(0).size();
        int width = 0;
        for (Field f : fields) {
            if (f.size() != b) {
                throw new IllegalArgumentException("field of " + f.table().name() + " has " + f.size() + " examples, expected "
                        + b);
            }
            width += f.table().cols();
        }
        float[] x = new float[b * width];
        int offset = 0;
        for (Field f : fields) {
            Parameter p = f.table();
            int d = p.cols();
            float[] v = p.value();
            for (int e = 0; e < b; e++) {
                int o = e * width + offset;
                if (f.ids() != null) {
                    System.arraycopy(v, checkedRow(p, f.ids()[e]) * d, x, o, d);
                    continue;
                }
                int[] bag = f.bags()[e];
                int n = Math.min(f.keep(), bag.length);
                float w = 1f / n;
                for (int k = bag.length - n; k < bag.length; k++) {
                    for (int c = 0, r = checkedRow(p, bag[k]) * d; c < d; c++) {
                        x[o + c] += w * v[r + c];
                    }
                }
            }
            offset += d;
        }
        NDArray a = constant(x, new Shape(b, width));
        if (collector != null) {
            a.setRequiresGradient(true);
            boundFields.add(new BoundFields(a, List.copyOf(fields), width));
        }
        return a;
    }

    private static int checkedRow(Parameter p, int id) {
        if (id < 0 || id >= p.rows()) {
            throw new IllegalArgumentException("parameter " + p.name() + ": row id " + id + " outside [0," + p.rows() + ")");
        }
        return id;
    }

    /** Backpropagates the scalar {@code loss}, adds the gradients into the parameters and returns the loss. */
    public double backward(NDArray loss) {
        if (collector == null) {
            throw new IllegalStateException("backward on an inference step");
        }
        collector.backward(loss);
        for (Bound b : bound) {
            float[] g = b.array.getGradient().toFloatArray();
            Parameter p = b.parameter;
            if (b.bags != null) {
                for (int r = 0; r < b.bags.length; r++) {
                    int[] ids = b.bags[r];
                    int n = Math.min(b.keep, ids.length);
                    for (int k = ids.length - n; k < ids.length; k++) {
                        p.addRowGrad(ids[k], g, r * p.cols(), 1f / n);
                    }
                }
            } else if (b.rows == null) {
                float[] dst = p.grad();
                for (int i = 0; i < g.length; i++) {
                    dst[i] += g[i];
                }
            } else {
                for (int r = 0; r < b.rows.length; r++) {
                    p.addRowGrad(b.rows[r], g, r * p.cols(), 1f);
                }
            }
        }
        for (BoundFields bf : boundFields) {
            float[] g = bf.array.getGradient().toFloatArray();
            int offset = 0;
            for (Field f : bf.fields) {
                Parameter p = f.table();
                for (int e = 0; e < f.size(); e++) {
                    int o = e * bf.width + offset;
                    if (f.ids() != null) {
                        p.addRowGrad(f.ids()[e], g, o, 1f);
                        continue;
                    }
                    int[] bag = f.bags()[e];
                    int n = Math.min(f.keep(), bag.length);
                    for (int k = bag.length - n; k < bag.length; k++) {
                        p.addRowGrad(bag[k], g, o, 1f / n);
                    }
                }
                offset += p.cols();
            }
        }
        return loss.toType(DataType.FLOAT64, false).getDouble();
    }

    @Override
    public void close() {
        try {
            if (collector != null) {
                collector.close();
            }
        } finally {
            manager.close();
        }
    }
}
