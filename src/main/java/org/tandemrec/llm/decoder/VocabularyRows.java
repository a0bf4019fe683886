package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Linear;
import java.util.Arrays;

/**
 * How one training pass reads a vocabulary matrix W [V, H] (the embedding, the LM head, or both
 * when tied) whose ID-token rows from {@code firstId} train row-sparse: the rows of the k ID
 * tokens of the batch come from a leaf tensor [k, H] copied out of W, so that autograd's gradient
 * for them is [k, H] and never [V, H]; when the base rows [0, firstId) train too (full
 * fine-tuning) they come from a leaf view of those rows of W (no copy; the optimiser's in-place
 * updates of W are what the view reads), else from W itself without a gradient. The other ID rows
 * are read without a gradient: the LM head's softmax still runs over the whole vocabulary, but
 * the gradient those rows would get from it is dropped (the lazy, row-sparse approximation of
 * sparse embeddings and TensorFlow's LazyAdam; with a tied head it is the head's use of the
 * embedding rows that loses it). Lives for one pass: its leaves belong to the pass's manager.
 */
final class VocabularyRows {
    private final NDArray matrix;
    private final int firstId;
    private final NDArray base;
    private final int[] ids;
    private final NDArray rows;

    private VocabularyRows(NDArray matrix, int firstId, NDArray base, int[] ids, NDArray rows) {
        this.matrix = matrix;
        this.firstId = firstId;
        this.base = base;
        this.ids = ids;
        this.rows = rows;
    }

    /**
     * Leaves for a pass over {@code matrix}: the rows of {@code touched} (distinct ids ≥ {@code
     * firstId}, any order) and, with {@code baseTrains}, rows [0, firstId). Both record gradients.
     */
    static VocabularyRows open(NDManager m, NDArray matrix, int firstId, boolean baseTrains, int[] touched) {
        long v = matrix.getShape().get(0);
        if (firstId < 0 || firstId >= v || (baseTrains && firstId == 0)) {
            throw new IllegalArgumentException("firstId must be in [" + (baseTrains ? 1 : 0) + ", " + v + "), got " + firstId);
        }
        int[] ids = touched.clone();
        Arrays.sort(ids);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < firstId || ids[i] >= v || (i > 0 && ids[i] == ids[i - 1])) {
                throw new IllegalArgumentException("touched ids must be distinct and in [" + firstId + ", " + v + "), got "
                        + ids[i]);
            }
        }
        NDArray base = null;
        if (baseTrains) {
            // A detached view shares W's memory but is a leaf of its own: its gradient is [firstId, H].
            NDArray view = matrix.get(new NDIndex("0:{}", firstId));
            view.attach(m);
            base = view.stopGradient();
            base.attach(m);
            base.setRequiresGradient(true);
        }
        NDArray rows = null;
        if (ids.length > 0) {
            NDArray index = m.create(toLong(ids));
            rows = matrix.get(new NDIndex("{}", index));
            rows.attach(m);
            rows.setRequiresGradient(true);
        }
        return new VocabularyRows(matrix, firstId, base, ids, rows);
    }

    /** The leaf of the base rows [firstId, H], or null when they do not train. */
    NDArray base() {
        return base;
    }

    /** The touched ids, ascending: row s of {@link #rows()} is token {@code ids()[s]}. */
    int[] ids() {
        return ids.clone();
    }

    /** The leaf of the touched rows [k, H], or null when no ID token is in the batch. */
    NDArray rows() {
        return rows;
    }

    /** The embeddings of {@code tokens} [B][T]: [B, T, H]; every ID token among them must be touched. */
    NDArray embed(NDManager m, int[][] tokens) {
        int b = tokens.length;
        int t = tokens[0].length;
        long[] baseIds = new long[b * t];
        long[] local = new long[b * t];
        boolean[] isId = new boolean[b * t];
        boolean any = false;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                int id = tokens[i][j];
                int k = i * t + j;
                if (id >= firstId) {
                    int s = slot(id);
                    local[k] = s;
                    isId[k] = true;
                    any = true;
                    baseIds[k] = base != null ? 0 : id;
                } else {
                    baseIds[k] = id;
                }
            }
        }
        NDArray x = lookup(m, m.create(baseIds, new Shape(b, t)), base != null ? base : matrix);
        if (!any) {
            return x;
        }
        NDArray fromRows = lookup(m, m.create(local, new Shape(b, t)), rows);
        long h = matrix.getShape().get(1);
        // The engine's where() does not broadcast: the condition is expanded to [B, T, H] (a view).
        NDArray cond = m.create(isId, new Shape(b, t, 1)).broadcast(new Shape(b, t, h));
        return NDArrays.where(cond, fromRows, x);
    }

    /**
     * Logits of the hidden states {@code h} [N, H] over the whole vocabulary: [N, V + k]. Columns
     * 0..V-1 are W's, except that those of the touched ids are −∞; column V + s is touched id s,
     * read from its leaf. The softmax is the one over V columns, with the touched tokens'
     * gradient reaching their leaf rows; {@link #column} maps a target id to its column.
     */
    NDArray logits(NDManager m, NDArray h) {
        NDArray all;
        if (base == null) {
            all = Linear.linear(h, matrix).singletonOrThrow();
        } else {
            NDArray rest = matrix.get(new NDIndex("{}:", firstId));
            rest.attach(m);
            all = Linear.linear(h, base).singletonOrThrow().concat(Linear.linear(h, rest).singletonOrThrow(), 1);
        }
        if (rows == null) {
            return all;
        }
        float[] mask = new float[Math.toIntExact(matrix.getShape().get(0))];
        for (int id : ids) {
            mask[id] = Float.NEGATIVE_INFINITY;
        }
        NDArray masked = all.add(m.create(mask, new Shape(1, mask.length)));
        return masked.concat(Linear.linear(h, rows).singletonOrThrow(), 1);
    }

    /** The column of {@link #logits} that holds token {@code id}. */
    int column(int id) {
        return id >= firstId && rows != null ? Math.toIntExact(matrix.getShape().get(0)) + slot(id) : id;
    }

    private int slot(int id) {
        int s = Arrays.binarySearch(ids, id);
        if (s < 0) {
            throw new IllegalArgumentException("ID token " + id + " is not among the pass's touched rows");
        }
        return s;
    }

    private static NDArray lookup(NDManager m, NDArray index, NDArray table) {
        NDArray x = index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
        x.attach(m);
        return x;
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
