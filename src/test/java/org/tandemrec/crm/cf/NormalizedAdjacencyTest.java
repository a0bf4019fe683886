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
        return new NormalizedAdjacency(UserItems.of(table(users, items, pairs, seed)));
    }

    private static InteractionTable table(int users, int items, int pairs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InteractionTable.Builder b = new InteractionTable.Builder(pairs);
        for (int k = 0; k < pairs; k++) {
            b.add(r.nextInt(users), r.nextInt(items), 1f, k);
        }
        return b.build(users, items);
    }

    private static float[] gaussian(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
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

    @Test
    void columnPanelsGiveTheOnePanelResultBitForBit() {
        InteractionTable t = table(70, 50, 600, 5);
        int d = 8;
        NormalizedAdjacency whole = new NormalizedAdjacency(UserItems.of(t));
        // 3 rows of 8 floats per panel: 40 panels over 120 nodes, many rows without a neighbour in one.
        NormalizedAdjacency panels = new NormalizedAdjacency(UserItems.of(t), 3 * d * 4);
        assertEquals(whole.numNodes(), whole.panelRows(d));
        assertEquals(3, panels.panelRows(d));
        int n = whole.numNodes();
        float[] e0 = gaussian(n * d, 11);
        boolean[] some = new boolean[n];
        for (int row = 1; row < n; row += 5) {
            some[row] = true;
        }
        for (int threads : new int[] {1, 2}) {
            try (RowParallel parallel = new RowParallel(threads)) {
                assertArrayEquals(whole.propagate(e0, d, 3, parallel), panels.propagate(e0, d, 3, parallel));
                float[][] outs = new float[2][n * d];
                float[][] accs = new float[2][];
                NormalizedAdjacency[] both = {whole, panels};
                for (int v = 0; v < 2; v++) {
                    accs[v] = e0.clone();
                    both[v].multiply(e0, outs[v], accs[v], some, some, d, parallel);
                }
                assertArrayEquals(outs[0], outs[1]);
                assertArrayEquals(accs[0], accs[1]);
            }
        }
    }

    @Test
    void aProductEqualsTheDenseNormalisedAdjacencyComputedFromItsDefinition() {
        InteractionTable t = table(9, 7, 30, 6);
        UserItems index = UserItems.of(t);
        int u = index.numUsers();
        int n = u + index.numItems();
        // Â = D^-1/2 A D^-1/2 built densely from the distinct pairs, in double.
        double[][] a = new double[n][n];
        for (int user = 0; user < u; user++) {
            for (int k = index.offset(user); k < index.offset(user) + index.count(user); k++) {
                a[user][u + index.itemAt(k)] = 1;
                a[u + index.itemAt(k)][user] = 1;
            }
        }
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            degree[i] = Arrays.stream(a[i]).sum();
        }
        int d = 3;
        float[] x = gaussian(n * d, 12);
        float[] y = new float[n * d];
        try (RowParallel parallel = new RowParallel(2)) {
            new NormalizedAdjacency(index, 2 * d * 4).multiply(x, y, null, d, parallel);
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double want = 0;
                for (int j = 0; j < n; j++) {
                    if (a[i][j] != 0) {
                        want += x[j * d + c] / Math.sqrt(degree[i] * degree[j]);
                    }
                }
                assertEquals(want, y[i * d + c], 1e-5, "row " + i + " column " + c);
            }
        }
    }
}
