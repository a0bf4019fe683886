package org.tandemrec.crm.cf;

import org.tandemrec.base.RowParallel;
import org.tandemrec.split.UserItems;

/**
 * The symmetric normalised adjacency Â = D^{-1/2} A D^{-1/2} of the user–item bipartite graph
 * (LightGCN, He et al. 2020, eq. 7), N = U + I nodes (users first, then items), stored as CSR
 * with both directions of every distinct interaction. Â is symmetric, so the backward of
 * y = Â x is dx = Â dy: the same kernel serves both passes.
 *
 * <p>{@link #multiply} computes Y = Â X for row-major X, Y of shape N × d (d embedding size),
 * parallel over rows in chunks balanced by non-zeros; each output row is a sum over its own
 * neighbours in fixed order, so the result is the same for any thread count.
 */
public final class NormalizedAdjacency {
    /**
     * Input bytes per column panel: a share of a large last-level cache, well above an L2 cache
     * (2 MB panels were slower than one panel of 38 MB; 4–16 MB faster, 8 MB the best).
     */
    static final long PANEL_BYTES = 8L << 20;

    private final int numUsers;
    private final int numNodes;
    private final int[] rowStart;
    private final int[] cols;
    private final float[] vals;
    private final long panelBytes;

    public NormalizedAdjacency(UserItems index) {
        this(index, PANEL_BYTES);
    }

    /** As above, reading input rows in panels of {@code panelBytes} (tests use small panels). */
    NormalizedAdjacency(UserItems index, long panelBytes) {
        if (panelBytes <= 0) {
            throw new IllegalArgumentException("panelBytes must be > 0, got " + panelBytes);
        }
        this.panelBytes = panelBytes;
        int u = index.numUsers();
        int n = u + index.numItems();
        int[] itemDegree = new int[index.numItems()];
        for (int k = 0; k < index.numPairs(); k++) {
            itemDegree[index.itemAt(k)]++;
        }
        int[] start = new int[n + 1];
        for (int user = 0; user < u; user++) {
            start[user + 1] = index.count(user);
        }
        for (int it = 0; it < itemDegree.length; it++) {
            start[u + it + 1] = itemDegree[it];
        }
        for (int r = 0; r < n; r++) {
            start[r + 1] += start[r];
        }
        int nnz = start[n];
        int[] c = new int[nnz];
        float[] v = new float[nnz];
        int[] fill = java.util.Arrays.copyOf(start, n);
        // Users in increasing order, so every item row's neighbour list comes out sorted too.
        for (int user = 0; user < u; user++) {
            double du = index.count(user);
            for (int k = index.offset(user), end = k + index.count(user); k < end; k++) {
                int it = index.itemAt(k);
                float w = (float) (1.0 / Math.sqrt(du * itemDegree[it]));
                int a = fill[user]++;
                c[a] = u + it;
                v[a] = w;
                int b = fill[u + it]++;
                c[b] = user;
                v[b] = w;
            }
        }
        this.numUsers = u;
        this.numNodes = n;
        this.rowStart = start;
        this.cols = c;
        this.vals = v;
    }

    public int numNodes() {
        return numNodes;
    }

    public int numUsers() {
        return numUsers;
    }

    /** Stored non-zeros (twice the distinct interactions). */
    public int nonZeros() {
        return cols.length;
    }

    /** Row chunks with about equal non-zeros, one or a few per thread. */
    int[] chunks(int parts) {
        parts = Math.max(1, Math.min(parts, numNodes));
        int[] bounds = new int[parts + 1];
        long nnz = cols.length;
        int row = 0;
        for (int k = 1; k < parts; k++) {
            long target = nnz * k / parts;
            while (row < numNodes && rowStart[row] < target) {
                row++;
            }
            bounds[k] = row;
        }
        bounds[parts] = numNodes;
        return bounds;
    }

    /**
     * out = Â·in and, when {@code acc} is not null, acc += out; all N × dim row-major.
     * Fusing the running sum saves one pass over memory per layer.
     */
    void multiply(float[] in, float[] out, float[] acc, int dim, RowParallel parallel) {
        multiply(in, out, acc, null, dim, parallel);
    }

    /**
     * As above, reading only input rows whose {@code nonZeroRows} flag is set (null: all): exact
     * when the other input rows are zero, as for an output gradient that lives on a batch's rows.
     */
    void multiply(float[] in, float[] out, float[] acc, boolean[] nonZeroRows, int dim, RowParallel parallel) {
        multiply(in, out, acc, nonZeroRows, null, dim, parallel);
    }

    /**
     * As above, computing only the output rows whose {@code wantedRows} flag is set (null: all);
     * the other rows of {@code out} and {@code acc} are left as they were.
     *
     * <p>The input rows are read in column panels of at most {@link #PANEL_BYTES}: every output
     * row first sums its neighbours in the first panel, then in the next, and so on, carrying its
     * partial sum in {@code out}. A large graph's rows are gathered at random; a panel's rows
     * stay in the last-level cache while the panel is read (a layer over 150,000 nodes at 64
     * dimensions, 2M non-zeros, two threads: 60 ms in one panel, 51 ms in five). Neighbour
     * lists are sorted, so each row is still summed in column order and the result is the same
     * to the bit for any panel count.
     */
    void multiply(float[] in, float[] out, float[] acc, boolean[] nonZeroRows, boolean[] wantedRows, int dim,
                  RowParallel parallel) {
        int panelRows = panelRows(dim);
        parallel.run(chunks(parallel.threads() * 4), (from, to) -> {
            float[] row = new float[dim];
            int[] cursor = java.util.Arrays.copyOfRange(rowStart, from, to);
            for (int first = 0; first < numNodes; first += panelRows) {
                int limit = (int) Math.min(numNodes, (long) first + panelRows);
                for (int r = from; r < to; r++) {
                    if (wantedRows != null && !wantedRows[r]) {
                        continue;
                    }
                    int base = r * dim;
                    int k = cursor[r - from];
                    int end = rowStart[r + 1];
                    if (first == 0) {
                        java.util.Arrays.fill(row, 0f);
                    } else if (k == end || cols[k] >= limit) {
                        continue;
                    } else {
                        System.arraycopy(out, base, row, 0, dim);
                    }
                    for (; k < end && cols[k] < limit; k++) {
                        if (nonZeroRows != null && !nonZeroRows[cols[k]]) {
                            continue;
                        }
                        float w = vals[k];
                        int o = cols[k] * dim;
                        for (int j = 0; j < dim; j++) {
                            row[j] += w * in[o + j];
                        }
                    }
                    cursor[r - from] = k;
                    System.arraycopy(row, 0, out, base, dim);
                    if (acc != null && k == end) {
                        // The row's last panel: its sum is complete and still in the cache.
                        for (int j = 0; j < dim; j++) {
                            acc[base + j] += row[j];
                        }
                    }
                }
            }
        });
    }

    /** Input rows per column panel of {@link #multiply}: {@link #PANEL_BYTES} of rows, at least one. */
    int panelRows(int dim) {
        return (int) Math.max(1, Math.min(numNodes, panelBytes / (4L * dim)));
    }

    /**
     * LightGCN's layer combination with α_k = 1/(L+1) (eq. 8): returns (1/(L+1)) Σ_{k=0..L} Â^k e0.
     * Because Â is symmetric this is also the gradient of a loss w.r.t. e0 given its gradient
     * w.r.t. the output, so forward and backward both call it.
     */
    public float[] propagate(float[] e0, int dim, int layers, RowParallel parallel) {
        float[] out = new float[e0.length];
        propagate(e0, out, new float[e0.length], new float[e0.length], dim, layers, parallel);
        return out;
    }

    /** As {@link #propagate(float[], int, int, RowParallel)} into {@code out}, with two scratch arrays of the same size. */
    void propagate(float[] e0, float[] out, float[] scratchA, float[] scratchB, int dim, int layers, RowParallel parallel) {
        propagate(e0, null, out, scratchA, scratchB, dim, layers, parallel);
    }

    /** As above; {@code nonZeroRows} (may be null) flags the only non-zero rows of {@code e0}. */
    void propagate(float[] e0, boolean[] nonZeroRows, float[] out, float[] scratchA, float[] scratchB, int dim, int layers,
                   RowParallel parallel) {
        propagate(e0, nonZeroRows, null, out, scratchA, scratchB, dim, layers, parallel);
    }

    /**
     * As above, exact on the rows of {@code out} whose {@code wantedRows} flag is set (null: all)
     * and unspecified on the others. The last layer's product then computes the wanted rows only:
     * a training step scores a batch's users and items, and the layers before still need every
     * row (a batch's rows reach nearly the whole graph in two hops).
     */
    void propagate(float[] e0, boolean[] nonZeroRows, boolean[] wantedRows, float[] out, float[] scratchA, float[] scratchB,
                   int dim, int layers, RowParallel parallel) {
        System.arraycopy(e0, 0, out, 0, e0.length);
        float[] cur = e0;
        float[] next = scratchA;
        for (int l = 0; l < layers; l++) {
            multiply(cur, next, out, l == 0 ? nonZeroRows : null, l == layers - 1 ? wantedRows : null, dim, parallel);
            float[] t = next;
            next = cur == e0 ? scratchB : cur;
            cur = t;
        }
        float scale = 1f / (layers + 1);
        for (int i = 0; i < out.length; i++) {
            out[i] *= scale;
        }
    }
}
