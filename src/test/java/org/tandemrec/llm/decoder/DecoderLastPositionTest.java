package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;

/** The last-position forward gives exactly the last column of the full forward's logits. */
class DecoderLastPositionTest {
    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    @Test
    void lastPositionLogitsEqualTheFullForwardsLastColumn() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            Decoder d = new Decoder(w, null);
            int[][] ids = {{1, 1, 5, 17, 42}, {7, 8, 9, 10, 11}};
            int[][] mask = {{0, 0, 1, 1, 1}, {1, 1, 1, 1, 1}};
            int[][] pos = {{0, 0, 0, 1, 2}, {0, 1, 2, 3, 4}};
            float[] full = d.forward(m, ids, mask, pos, null, false).logits().get(new NDIndex(":, -1, :")).toFloatArray();
            DecoderOutput last = d.forwardLastPosition(m, ids, mask, pos, null);
            assertArrayEquals(new long[] {2, 1, 600}, last.logits().getShape().getShape());
            // The same dot products, blocked differently by the matrix kernel: equal up to float rounding.
            assertArrayEquals(full, last.logits().toFloatArray(), 1e-5f);
        }
    }
}
