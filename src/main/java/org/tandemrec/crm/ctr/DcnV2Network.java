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
 * DCNv2's network (Wang et al. 2021): its parameters by name and the forward pass in an
 * {@link AutogradStep}. The {@link FieldEmbeddings} side by side are x_0 (B × D, D = fields · d).
 * Cross layer l is Eq. 1 (full rank) or Eq. 3 (low-rank mixture of experts); the deep network is
 * a ReLU MLP ({@link DeepTower}), stacked on x_L or parallel on x_0. Shapes: B batch, D cross width, K experts, r rank.
 */
final class DcnV2Network {
    private DcnV2Network() {
    }

    /**
     * Fresh parameters from {@code r}: embeddings from N(0, initStd²), cross and output weights
     * Glorot-normal, deep layers He-normal, biases zero (also the shapes a model file is read
     * against).
     */
    static ParameterSet initialise(CtrFeatures f, DcnV2Config c, SplittableRandom r) {
        int dim = f.numFields() * c.embeddingDim();
        List<Parameter> ps = new ArrayList<>();
        FieldEmbeddings.addTables(ps, FieldEmbeddings.EMBEDDING, f, c.embeddingDim(), c.initStd(), r);
        for (int l = 0; l < c.crossLayers(); l++) {
            if (c.crossKind() == DcnV2Config.CrossKind.FULL) {
                ps.add(WeightInit.glorotNormal("cross_" + l + "_w", dim, dim, r));
            } else {
                int kr = c.experts() * c.rank();
                ps.add(WeightInit.glorotNormal("cross_" + l + "_v", dim, kr, r));
                ps.add(Parameter.dense("cross_" + l + "_c", kr, c.rank(),
                        WeightInit.normal(kr * c.rank(), Math.sqrt(1.0 / c.rank()), r)));
                ps.add(Parameter.dense("cross_" + l + "_u", kr, dim, WeightInit.normal(kr * dim, Math.sqrt(1.0 / c.rank()), r)));
                ps.add(WeightInit.glorotNormal("cross_" + l + "_gate", dim, c.experts(), r));
            }
            ps.add(WeightInit.zeros("cross_" + l + "_b", dim));
        }
        int deep = DeepTower.addLayers(ps, "deep", dim, c.deepLayers(), r);
        int head = c.structure() == DcnV2Config.Structure.STACKED ? deep : dim + (c.deepLayers().isEmpty() ? 0 : deep);
        ps.add(WeightInit.glorotNormal("out_w", head, 1, r));
        ps.add(WeightInit.zeros("out_b", 1));
        return new ParameterSet(ps);
    }

    /** The forward pass; returns the named outputs, {@code logit} being B × 1. */
    static Map<String, NDArray> forward(AutogradStep s, ParameterSet p, DcnV2Config c, CtrFeatures f, int[] users,
                                        int[] items, int[][] histories) {
        NDArray x0 = FieldEmbeddings.gather(s, p, FieldEmbeddings.EMBEDDING, f, c.historyLength(), users, items, histories);
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray x = x0;
        for (int l = 0; l < c.crossLayers(); l++) {
            NDArray bias = s.dense(p.get("cross_" + l + "_b"));
            if (c.crossKind() == DcnV2Config.CrossKind.FULL) {
                x = crossLayer(x0, x, s.dense(p.get("cross_" + l + "_w")), bias);
            } else {
                x = lowRankMixture(s, p, c, l, x0, x, bias);
            }
            out.put("cross_" + l, x);
        }
        NDArray h = DeepTower.forward(s, p, "deep", c.deepLayers().size(),
                c.structure() == DcnV2Config.Structure.STACKED ? x : x0);
        out.put("deep_out", h);
        NDArray head = c.structure() == DcnV2Config.Structure.STACKED ? h
                : c.deepLayers().isEmpty() ? x : NDArrays.concat(new NDList(x, h), 1);
        out.put("logit", TensorFunctions.linear(head, s.dense(p.get("out_w")), s.dense(p.get("out_b"))));
        return out;
    }

    /** Eq. 1, full rank: x_0 ⊙ (x_l W + b) + x_l; x_0, x_l B × D, W D × D (input × output), b 1 × D. */
    static NDArray crossLayer(NDArray x0, NDArray x, NDArray w, NDArray b) {
        return x0.mul(TensorFunctions.linear(x, w, b)).add(x);
    }

    /** Eq. 3: gated mixture of K low-rank experts; shapes B batch, K experts, r rank, D width. */
    private static NDArray lowRankMixture(AutogradStep s, ParameterSet p, DcnV2Config c, int l, NDArray x0, NDArray x,
                                          NDArray bias) {
        int k = c.experts();
        int r = c.rank();
        long b = x.getShape().get(0);
        long dim = x.getShape().get(1);
        NDArray v = x.matMul(s.dense(p.get("cross_" + l + "_v"))).tanh().reshape(b, k, r).transpose(1, 0, 2); // K×B×r
        NDArray cc = v.matMul(s.dense(p.get("cross_" + l + "_c")).reshape(k, r, r)).tanh();                  // K×B×r
        NDArray u = cc.matMul(s.dense(p.get("cross_" + l + "_u")).reshape(k, r, dim)).transpose(1, 0, 2);   // B×K×D
        NDArray experts = x0.expandDims(1).mul(u.add(bias));                                                  // B×K×D
        NDArray gates = x.matMul(s.dense(p.get("cross_" + l + "_gate"))).softmax(1).expandDims(2);           // B×K×1
        return experts.mul(gates).sum(new int[] {1}).add(x);
    }
}
