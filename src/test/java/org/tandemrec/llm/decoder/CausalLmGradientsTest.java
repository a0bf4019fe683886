package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.train.Parameter;

/** Rows trained from a first row get the same gradient as those rows of the whole table. */
class CausalLmGradientsTest {
    @Test
    void tokenRowsGetTheirRowsOfTheWholeGradient() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
            int[] ids = {5, 591, 592, 593, 7, 595, 12};
            TrainBatch b = TrainBatch.leftPadded(List.of(ids), List.of(ids), 1);
            Parameter whole = Parameter.tensor("model.embed_tokens.weight", w.get("model.embed_tokens.weight"), 0);
            new CausalLmGradients(new Decoder(w, null), List.of(whole)).accumulate(m, List.of(b));
            float[] all = whole.tensorGrad().toFloatArray();
            List<Parameter> rows = CausalLmGradients.tokenRowParameters(w, 590);
            new CausalLmGradients(new Decoder(w, null), rows).accumulate(m, List.of(b));
            float[] last = rows.get(0).tensorGrad().toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(all, 590 * 64, 600 * 64), last, 1e-6f);
            double l1 = 0;
            for (float v : last) {
                l1 += Math.abs(v);
            }
            assertTrue(l1 > 1e-3, "the rows of the tokens in the batch have a gradient, got L1 " + l1);
            whole.zeroGrad();
            rows.forEach(Parameter::zeroGrad);
        }
    }
}
