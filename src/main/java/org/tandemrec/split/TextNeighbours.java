package org.tandemrec.split;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.tandemrec.base.Progress;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;

/**
 * Each item's M most similar items by cosine similarity of their text embeddings. Similarities
 * are computed block by block as {@code S = E_b · Eᵀ} ({@code E_b} of shape {@code [B, D]},
 * {@code Eᵀ} of shape {@code [D, N]}, S of shape {@code [B, N]}; N items, D dimensions, B rows
 * per block) on the CPU through DJL, and each row of S is reduced to its top M by a bounded
 * heap. Ties are broken by the lower item index so the result does not depend on the order of
 * floating-point work.
 */
public final class TextNeighbours {
    /** Block so that one block of similarities stays near 16M floats (64 MB). */
    private static final long BLOCK_FLOATS = 1L << 24;

    private TextNeighbours() {
    }

    /** Per item, its min(M, N−1) most similar other items, most similar first. */
    public static int[][] topM(ItemEmbeddings embeddings, int m) {
        if (m < 1) {
            throw new UsageException("m must be >= 1, got " + m);
        }
        int n = embeddings.numItems();
        int d = embeddings.dimension();
        int k = Math.min(m, Math.max(0, n - 1));
        int[][] result = new int[n][];
        if (n == 0) {
            return result;
        }
        int block = (int) Math.max(1, Math.min(n, BLOCK_FLOATS / n));
        TopSelection select = new TopSelection(k);
        try (NDManager manager = TensorDevice.newManager();
             Progress progress = Progress.start("text neighbours", n)) {
            NDArray all = manager.create(embeddings.vectors(), new Shape(n, d));
            NDArray allT = all.transpose();
            for (int from = 0; from < n; from += block) {
                int to = Math.min(n, from + block);
                float[] s;
                try (NDArray rows = all.get(new NDIndex(from + ":" + to));
                     NDArray sims = rows.matMul(allT)) {
                    s = sims.toFloatArray();
                }
                for (int r = from; r < to; r++) {
                    result[r] = select.top(s, (r - from) * n, n, r);
                }
                progress.step(to - from);
            }
        }
        return result;
    }

    /** Top-k of a row by (score desc, index asc) with a min-heap whose root is the worst kept. */
    static final class TopSelection {
        private final int k;
        private final float[] heapScore;
        private final int[] heapItem;

        TopSelection(int k) {
            this.k = k;
            this.heapScore = new float[k];
            this.heapItem = new int[k];
        }

        /** Indexes of the k best of {@code s[offset..offset+n)}, skipping {@code self}, best first. */
        int[] top(float[] s, int offset, int n, int self) {
            int size = 0;
            for (int j = 0; j < n; j++) {
                if (j == self) {
                    continue;
                }
                float v = s[offset + j];
                if (Float.isNaN(v)) {
                    v = Float.NEGATIVE_INFINITY;
                }
                if (size < k) {
                    heapScore[size] = v;
                    heapItem[size] = j;
                    siftUp(size++);
                } else if (k > 0 && better(v, j, heapScore[0], heapItem[0])) {
                    heapScore[0] = v;
                    heapItem[0] = j;
                    siftDown(0, size);
                }
            }
            int[] out = new int[size];
            // Pop the worst first, filling from the back.
            for (int i = size - 1; i >= 0; i--) {
                out[i] = heapItem[0];
                heapScore[0] = heapScore[i];
                heapItem[0] = heapItem[i];
                siftDown(0, i);
            }
            return out;
        }

        private static boolean better(float s1, int i1, float s2, int i2) {
            return s1 > s2 || (s1 == s2 && i1 < i2);
        }

        private void siftUp(int i) {
            while (i > 0) {
                int p = (i - 1) / 2;
                if (better(heapScore[p], heapItem[p], heapScore[i], heapItem[i])) {
                    swap(i, p);
                    i = p;
                } else {
                    return;
                }
            }
        }

        private void siftDown(int i, int size) {
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    return;
                }
                int worst = l;
                int r = l + 1;
                if (r < size && better(heapScore[l], heapItem[l], heapScore[r], heapItem[r])) {
                    worst = r;
                }
                if (better(heapScore[i], heapItem[i], heapScore[worst], heapItem[worst])) {
                    swap(i, worst);
                    i = worst;
                } else {
                    return;
                }
            }
        }

        private void swap(int a, int b) {
            float s = heapScore[a];
            heapScore[a] = heapScore[b];
            heapScore[b] = s;
            int t = heapItem[a];
            heapItem[a] = heapItem[b];
            heapItem[b] = t;
        }
    }
}
