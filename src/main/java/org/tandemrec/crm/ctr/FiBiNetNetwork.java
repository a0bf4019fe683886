package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * FiBiNET's network (Huang et al. 2019): its parameters by name and the forward pass in an
 * {@link AutogradStep}. On the F field embeddings E = [e_1, …, e_F] (k each):
 * <ul>
 *   <li>SENET: squeeze z_i = mean_t e_i^(t), excitation A = ReLU(ReLU(z W_1) W_2) with W_1
 *       F × max(1, ⌊F/r⌋) and W_2 back to F, no biases, re-weight v_i = a_i · e_i;</li>
 *   <li>bilinear interaction, field-all type: p_ij = (e_i W) ⊙ e_j for every pair
 *       i &lt; j with one k × k matrix W shared by all pairs, and q_ij = (v_i W') ⊙ v_j on the SENET
 *       embeddings with its own W';</li>
 *   <li>combination: c = [p, q] (B × 2·P·k, P = F(F−1)/2) into a ReLU DNN ({@link DeepTower});
 *       the output adds the linear part over the raw features as the paper's output unit does:
 *       ŷ = w_0 + Σ_i w_i x_i + y_d.</li>
 * </ul>
 *
 * <p>Parameters: the field tables, the 1-wide linear tables, {@code senet_w1}, {@code senet_w2},
 * {@code bilinear_w}, {@code bilinear_senet_w} (Glorot-normal), {@code deep_k_*}, {@code out_w},
 * {@code out_b}. Outputs: {@code senet_weights} (B × F), {@code bilinear} (the combination layer
 * c, B × 2·P·k), {@code deep_out} (when there is a DNN), {@code logit} (B × 1). Shapes: B batch,
 * F fields, k embedding size, P field pairs.
 */
final class FiBiNetNetwork {
    private FiBiNetNetwork() {
    }

    /** The excitation's hidden size for {@code fields} fields. */
    static int reduced(int fields, int ratio) {
        return Math.max(1, fields / ratio);
    }

    /** Fresh parameters from {@code r} (also the shapes a model file is read against). */
    static ParameterSet initialise(CtrFeatures f, FiBiNetConfig c, SplittableRandom r) {
        List<Parameter> ps = new ArrayList<>();
        int k = c.embeddingDim();
        int fields = f.numFields();
        FieldEmbeddings.addTables(ps, FieldEmbeddings.EMBEDDING, f, k, c.initStd(), r);
        FieldEmbeddings.addTables(ps, FieldEmbeddings.LINEAR, f, 1, c.initStd(), r);
        int hidden = reduced(fields, c.reductionRatio());
        ps.add(WeightInit.glorotNormal("senet_w1", fields, hidden, r));
        ps.add(WeightInit.glorotNormal("senet_w2", hidden, fields, r));
        ps.add(WeightInit.glorotNormal("bilinear_w", k, k, r));
        ps.add(WeightInit.glorotNormal("bilinear_senet_w", k, k, r));
        int combined = 2 * pairs(fields) * k;
        int deep = DeepTower.addLayers(ps, "deep", combined, c.deepLayers(), r);
        ps.add(WeightInit.glorotNormal("out_w", deep, 1, r));
        ps.add(WeightInit.zeros("out_b", 1));
        return new ParameterSet(ps);
    }

    static int pairs(int fields) {
        return fields * (fields - 1) / 2;
    }

    /** The forward pass; returns the named outputs, {@code logit} being B × 1. */
    static Map<String, NDArray> forward(AutogradStep s, ParameterSet p, FiBiNetConfig c, CtrFeatures f, int[] users,
                                        int[] items, int[][] histories) {
        int b = users.length;
        int fields = f.numFields();
        NDArray e = FieldEmbeddings.embeddings(s, p, f, c.embeddingDim(), c.historyLength(), users, items, histories);
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray z = e.mean(new int[] {2});                                                             // B×F
        NDArray a = TensorFunctions.relu(TensorFunctions.relu(z.matMul(s.dense(p.get("senet_w1"))))
                .matMul(s.dense(p.get("senet_w2"))));
        out.put("senet_weights", a);
        NDArray v = e.mul(a.expandDims(2));                                                            // B×F×k
        NDArray[] selectors = pairSelectors(s, fields);
        NDArray pAll = bilinear(e, s.dense(p.get("bilinear_w")), selectors, b);
        NDArray qAll = bilinear(v, s.dense(p.get("bilinear_senet_w")), selectors, b);
        NDArray combined = NDArrays.concat(new NDList(pAll, qAll), 1);
        out.put("bilinear", combined);
        NDArray h = DeepTower.forward(s, p, "deep", c.deepLayers().size(), combined);
        if (!c.deepLayers().isEmpty()) {
            out.put("deep_out", h);
        }
        NDArray linear = FieldEmbeddings.linearTerm(s, p, f, c.historyLength(), users, items, histories);
        out.put("logit", TensorFunctions.linear(h, s.dense(p.get("out_w")), s.dense(p.get("out_b"))).add(linear));
        return out;
    }

    /**
     * Field-all bilinear interaction: [(x_i W) ⊙ x_j for i &lt; j] flat, B × P·k, for x B × F × k and
     * W k × k; the pairs' rows are picked by multiplying with the 0/1 selectors (P × F).
     */
    private static NDArray bilinear(NDArray x, NDArray w, NDArray[] selectors, int b) {
        NDArray left = selectors[0].matMul(x.matMul(w));                                              // B×P×k
        NDArray right = selectors[1].matMul(x);
        NDArray prod = left.mul(right);
        return prod.reshape(b, prod.getShape().get(1) * prod.getShape().get(2));
    }

    /** Two P × F 0/1 matrices: row (i, j), pairs in order (0,1), (0,2), …, (F−2,F−1), picks field i and field j. */
    private static NDArray[] pairSelectors(AutogradStep s, int fields) {
        int n = pairs(fields);
        float[] first = new float[n * fields];
        float[] second = new float[n * fields];
        int row = 0;
        for (int i = 0; i < fields; i++) {
            for (int j = i + 1; j < fields; j++) {
                first[row * fields + i] = 1;
                second[row * fields + j] = 1;
                row++;
            }
        }
        Shape shape = new Shape(n, fields);
        return new NDArray[] {s.constant(first, shape), s.constant(second, shape)};
    }
}
