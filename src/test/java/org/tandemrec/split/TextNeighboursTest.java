package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextNeighboursTest {
    @Test
    void blockedTopMEqualsBruteForce() {
        int n = 300;
        int d = 16;
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                v[i * d + k] = (float) r.nextGaussian();
                norm += v[i * d + k] * v[i * d + k];
            }
            for (int k = 0; k < d; k++) {
                v[i * d + k] /= (float) Math.sqrt(norm);
            }
        }
        ItemEmbeddings emb = new ItemEmbeddings("test", n, d, new byte[32], v);
        int[][] top = TextNeighbours.topM(emb, 7);
        for (int i = 0; i < n; i++) {
            final int self = i;
            Integer[] all = new Integer[n];
            for (int j = 0; j < n; j++) {
                all[j] = j;
            }
            Arrays.sort(all, Comparator.<Integer>comparingDouble(j -> -emb.cosine(self, j)).thenComparingInt(j -> j));
            int[] expected = Arrays.stream(all).filter(j -> j != self).limit(7).mapToInt(Integer::intValue).toArray();
            // Similarities from the matrix product may differ from the loop in the last bit: compare scores.
            for (int k = 0; k < 7; k++) {
                assertEquals(emb.cosine(i, expected[k]), emb.cosine(i, top[i][k]), 1e-5, "item " + i + " rank " + k);
            }
        }
    }

    @Test
    void embeddingFileRoundTripsAndRefusesUnknownVersion(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        float[] v = {1f, 0f, 0.6f, 0.8f, 0f, -1f};
        java.util.List<String> texts = java.util.List.of("a", "b", "c");
        ItemEmbeddings e = new ItemEmbeddings("m", 3, 2, ItemEmbeddings.digest("m", texts), v);
        java.nio.file.Path f = tmp.resolve(ItemEmbeddings.FILE_NAME);
        e.write(f);
        ItemEmbeddings r = ItemEmbeddings.read(f);
        assertArrayEquals(new float[] {0.6f, 0.8f}, r.vector(1));
        assertEquals(0.6f, r.cosine(0, 1), 1e-7);
        assertEquals(true, r.matches("m", texts));
        assertEquals(false, r.matches("m", java.util.List.of("a", "b", "d")));
        byte[] bytes = java.nio.file.Files.readAllBytes(f);
        // The version int follows the 2-byte length and 22 bytes of "tandem-item-embeddings".
        bytes[2 + 22 + 3] = 9;
        java.nio.file.Files.write(f, bytes);
        org.tandemrec.data.DataFormatException x = org.junit.jupiter.api.Assertions.assertThrows(
                org.tandemrec.data.DataFormatException.class, () -> ItemEmbeddings.read(f));
        assertEquals("version", x.field());
    }

    @Test
    void tiesGoToTheLowerIndexAndSelfIsSkipped() {
        TextNeighbours.TopSelection s = new TextNeighbours.TopSelection(3);
        float[] row = {1f, 0.5f, 0.9f, 0.5f, 0.5f, 0.1f};
        assertArrayEquals(new int[] {2, 1, 3}, s.top(row, 0, 6, 0));
        assertArrayEquals(new int[] {0, 2, 1}, s.top(row, 0, 6, 4));
        assertEquals(0, new TextNeighbours.TopSelection(5).top(new float[] {1f}, 0, 1, 0).length);
    }
}
