package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
 * xDeepFM's network (Lian et al. 2018): its parameters by name and the forward pass in an
 * {@link AutogradStep}. Three parts summed into one logit, the paper's output unit:
 * ŷ = w_linear^T a + w_dnn^T x_dnn + w_cin^T p^+ + b.
 * <ul>
 *   <li>linear: one weight per feature id ({@link FieldEmbeddings#linearTerm});</li>
 *   <li>CIN: X^0 = the F field embeddings (F × D); X^k (H_k × D) has rows
 *       X^k_{h,*} = Σ_i Σ_j W^{k,h}_{ij} (X^{k-1}_{i,*} ∘ X^0_{j,*}): the outer products
 *       along the embedding dimension, Z^k (H_{k-1}·F × D), mixed by a 1×1 convolution, with
 *       neither bias nor activation as in the equation; p^k_h = Σ_d X^k_{h,d} (sum pooling) and
 *       p^+ = [p^1, …, p^T]; every map feeds both the next layer and p^+ (no split-half);</li>
 *   <li>DNN: a ReLU MLP ({@link DeepTower}) on the flat embeddings.</li>
 * </ul>
 *
 * <p>Parameters: the field tables, the 1-wide linear tables, {@code cin_k_w} (H_{k-1}·F × H_k,
 * row i·F + j weighting X^{k-1}_i ∘ X^0_j; Glorot-normal), {@code deep_k_*}, {@code out_w}
 * ((ΣH_k + DNN width) × 1: w_cin then w_dnn) and {@code out_b}. Outputs: {@code cin_k} (B × H_k·D,
 * layer k's feature maps), {@code deep_out} (when there is a DNN), {@code logit} (B × 1). Shapes:
 * B batch, F fields, D embedding size, H_k maps of CIN layer k (H_0 = F).
 */
final class XDeepFmNetwork {
    private XDeepFmNetwork() {
    }

    /** Fresh parameters from {@code r} (also the shapes a model file is read against). */
    static ParameterSet initialise(CtrFeatures f, XDeepFmConfig c, SplittableRandom r) {
        List<Parameter> ps = new ArrayList<>();
        FieldEmbeddings.addTables(ps, FieldEmbeddings.EMBEDDING, f, c.embeddingDim(), c.initStd(), r);
        FieldEmbeddings.addTables(ps, FieldEmbeddings.LINEAR, f, 1, c.initStd(), r);
        int m = f.numFields();
        int previous = m;
        int pooled = 0;
        for (int k = 0; k < c.cinLayers().size(); k++) {
            int maps = c.cinLayers().get(k);
            ps.add(WeightInit.glorotNormal("cin_" + k + "_w", previous * m, maps, r));
            pooled += maps;
            previous = maps;
        }
        int deep = c.deepLayers().isEmpty() ? 0
                : DeepTower.addLayers(ps, "deep", m * c.embeddingDim(), c.deepLayers(), r);
        ps.add(WeightInit.glorotNormal("out_w", pooled + deep, 1, r));
        ps.add(WeightInit.zeros("out_b", 1));
        return new ParameterSet(ps);
    }

    /** The forward pass; returns the named outputs, {@code logit} being B × 1. */
    static Map<String, NDArray> forward(AutogradStep s, ParameterSet p, XDeepFmConfig c, CtrFeatures f, int[] users,
                                        int[] items, int[][] histories) {
        int b = users.length;
        int m = f.numFields();
        int d = c.embeddingDim();
        NDArray e = FieldEmbeddings.embeddings(s, p, f, d, c.historyLength(), users, items, histories);   // B×F×D
        NDArray x0 = e.transpose(0, 2, 1);                                                          // B×D×F
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDList parts = new NDList();
        NDArray x = x0;
        for (int k = 0; k < c.cinLayers().size(); k++) {
            x = cinLayer(x, x0, s.dense(p.get("cin_" + k + "_w")));                                  // B×D×H_k
            out.put("cin_" + k, x.transpose(0, 2, 1).reshape(b, (long) c.cinLayers().get(k) * d));
            parts.add(x.sum(new int[] {1}));                                                          // p^k: B×H_k
        }
        if (!c.deepLayers().isEmpty()) {
            NDArray deep = DeepTower.forward(s, p, "deep", c.deepLayers().size(), e.reshape(b, (long) m * d));
            out.put("deep_out", deep);
            parts.add(deep);
        }
        NDArray head = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1);
        NDArray linear = FieldEmbeddings.linearTerm(s, p, f, c.historyLength(), users, items, histories);
        out.put("logit", TensorFunctions.linear(head, s.dense(p.get("out_w")), s.dense(p.get("out_b"))).add(linear));
        return out;
    }

    /**
     * The CIN layer with the embedding dimension leading: Z[b, t, i·F + j] = X^{k-1}[b, t, i] · X^0[b, t, j]
     * and X^k[b, t, h] = Σ_r Z[b, t, r] W[r, h]; x B × D × H_{k-1}, x0 B × D × F, w H_{k-1}·F × H_k;
     * returns B × D × H_k. The 1×1 convolution is one (B·D) × H_{k-1}·F by H_{k-1}·F × H_k product,
     * whose weight gradient is one product too (a batched form would hold a B-fold copy of W's
     * gradient).
     */
    static NDArray cinLayer(NDArray x, NDArray x0, NDArray w) {
        long b = x.getShape().get(0);
        long d = x.getShape().get(1);
        long rows = x.getShape().get(2);
        long fields = x0.getShape().get(2);
        NDArray z = x.expandDims(3).mul(x0.expandDims(2)).reshape(b * d, rows * fields);   // (B·D) × H_{k-1}·F
        return z.matMul(w).reshape(b, d, w.getShape().get(1));
    }
}
