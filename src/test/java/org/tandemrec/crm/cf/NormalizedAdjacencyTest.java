package org.tandemrec.crm.cf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.base.RowParallel;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.UserItems;

class NormalizedAdjacencyTest {
    private static NormalizedAdjacency graph(int users, int items, int pairs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InteractionTable.Builder b = new InteractionTable.Builder(pairs);
        for (int k = 0; k < pairs; k++) {
            b.add(r.nextInt(users), r.nextInt(items), 1f, k);
        }
        return new NormalizedAdjacency(UserItems.of(b.build(users, items)));
    }

    @Test
    void theWantedRowsOfARestrictedPropagationEqualTheFullOnesBitForBit() {
        NormalizedAdjacency adj = graph(60, 40, 500, 3);
        int n = adj.numNodes();
        int d = 8;
        SplittableRandom r = new SplittableRandom(9);
        float[] e0 = new float[n * d];
        for (int i = 0; i < e0.length; i++) {
            e0[i] = (float) r.nextGaussian();
        }
        boolean[] wanted = new boolean[n];
        for (int row = 0; row < n; row += 7) {
            wanted[row] = true;
        }
        for (int threads : new int[] {1, 2}) {
            try (RowParallel parallel = new RowParallel(threads)) {
                float[] full = adj.propagate(e0, d, 3, parallel);
                float[] part = new float[n * d];
                Arrays.fill(part, Float.NaN);
                adj.propagate(e0, null, wanted, part, new float[n * d], new float[n * d], d, 3, parallel);
                int checked = 0;
                for (int row = 0; row < n; row++) {
                    if (wanted[row]) {
                        assertArrayEquals(Arrays.copyOfRange(full, row * d, row * d + d),
                                Arrays.copyOfRange(part, row * d, row * d + d), "row " + row);
                        checked++;
                    }
                }
                assertEquals((n + 6) / 7, checked);
            }
        }
    }

    @Test
    void aProductThatReadsOnlyTheNonZeroRowsEqualsTheFullProduct() {
        NormalizedAdjacency adj = graph(30, 20, 200, 4);
        int n = adj.numNodes();
        int d = 4;
        float[] in = new float[n * d];
        boolean[] nonZero = new boolean[n];
        for (int row = 0; row < n; row += 3) {
            nonZero[row] = true;
            for (int c = 0; c < d; c++) {
                in[row * d + c] = row + 0.25f * c;
            }
        }
        try (RowParallel parallel = new RowParallel(2)) {
            float[] full = new float[n * d];
            float[] sparse = new float[n * d];
            adj.multiply(in, full, null, d, parallel);
            adj.multiply(in, sparse, null, nonZero, d, parallel);
            assertArrayEquals(full, sparse);
        }
    }
}
