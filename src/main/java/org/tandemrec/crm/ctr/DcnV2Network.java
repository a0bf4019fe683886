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
 * {@link AutogradStep}. Fields (each an embedding of size d): user id, item id, the item's
 * categories (mean of their embeddings), one per user-profile field, and the user's history
 * (mean of the item embeddings of the last H items; the item table is shared); their
 * concatenation is x_0 (B × D, D = fields · d). Cross layer l is Eq. 1 (full rank) or Eq. 3
 * (low-rank mixture of experts); the deep network is a ReLU MLP, stacked on x_L or parallel on
 * x_0. Shapes: B batch, D cross width, K experts, r rank.
 */
final class DcnV2Network {
    private DcnV2Network() {
    }

    /**
     * Fresh parameters from {@code r}: embeddings from N(0, initStd²), cross and output weights
     * Glorot-normal, deep layers He-normal, biases zero (also the shapes a model file is read against).
     */
    static ParameterSet initialise(CtrFeatures f, DcnV2Config c, SplittableRandom r) {
        int d = c.embeddingDim();
        int dim = f.numFields() * d;
        List<Parameter> ps = new ArrayList<>();
        ps.add(Parameter.table("emb_user", f.numUsers(), d, WeightInit.normal(f.numUsers() * d, c.initStd(), r)));
        ps.add(Parameter.table("emb_item", f.numItems(), d, WeightInit.normal(f.numItems() * d, c.initStd(), r)));
        if (f.numCategories() > 0) {
            ps.add(Parameter.table("emb_category", f.numCategories(), d, WeightInit.normal(f.numCategories() * d, c.initStd(), r)));
        }
        for (int k = 0; k < f.profileFields().size(); k++) {
            int n = f.fieldSize(k);
            ps.add(Parameter.table("emb_profile_" + k, n, d, WeightInit.normal(n * d, c.initStd(), r)));
        }
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
        int in = dim;
        for (int k = 0; k < c.deepLayers().size(); k++) {
            int out = c.deepLayers().get(k);
            ps.add(WeightInit.heNormal("deep_" + k + "_w", in, out, r));
            ps.add(WeightInit.zeros("deep_" + k + "_b", out));
            in = out;
        }
        int head = c.structure() == DcnV2Config.Structure.STACKED ? in : dim + (c.deepLayers().isEmpty() ? 0 : in);
        ps.add(WeightInit.glorotNormal("out_w", head, 1, r));
        ps.add(WeightInit.zeros("out_b", 1));
        return new ParameterSet(ps);
    }

    /** The forward pass; returns the named outputs, {@code logit} being B × 1. */
    static Map<String, NDArray> forward(AutogradStep s, ParameterSet p, DcnV2Config c, CtrFeatures f, int[] users,
                                        int[] items, int[][] histories) {
        int b = users.length;
        List<AutogradStep.Field> fields = new ArrayList<>();
        fields.add(AutogradStep.Field.lookup(p.get("emb_user"), users));
        fields.add(AutogradStep.Field.lookup(p.get("emb_item"), items));
        if (f.numCategories() > 0) {
            int[][] cats = new int[b][];
            for (int k = 0; k < b; k++) {
                cats[k] = f.itemCategoriesView()[items[k]];
            }
            fields.add(AutogradStep.Field.meanOf(p.get("emb_category"), cats, Integer.MAX_VALUE));
        }
        int[][] profile = f.userFieldIdsView();
        for (int k = 0; k < f.profileFields().size(); k++) {
            int[] ids = new int[b];
            for (int e = 0; e < b; e++) {
                ids[e] = profile[users[e]][k];
            }
            fields.add(AutogradStep.Field.lookup(p.get("emb_profile_" + k), ids));
        }
        fields.add(AutogradStep.Field.meanOf(p.get("emb_item"), histories, c.historyLength()));
        NDArray x0 = s.fields(fields);
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
        NDArray h = c.structure() == DcnV2Config.Structure.STACKED ? x : x0;
        for (int k = 0; k < c.deepLayers().size(); k++) {
            h = TensorFunctions.linear(h, s.dense(p.get("deep_" + k + "_w")), s.dense(p.get("deep_" + k + "_b")));
            h = TensorFunctions.relu(h);
        }
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

    static void checkIds(CtrFeatures f, int[] users, int[] items, int[][] histories) {
        for (int k = 0; k < users.length; k++) {
            if (users[k] < 0 || users[k] >= f.numUsers()) {
                throw new IllegalArgumentException("dcnv2: user index " + users[k] + " at example " + k + " outside [0,"
                        + f.numUsers() + ")");
            }
            if (items[k] < 0 || items[k] >= f.numItems()) {
                throw new IllegalArgumentException("dcnv2: item index " + items[k] + " at example " + k + " outside [0,"
                        + f.numItems() + ")");
            }
            for (int i : histories[k]) {
                if (i < 0 || i >= f.numItems()) {
                    throw new IllegalArgumentException("dcnv2: history item " + i + " at example " + k + " outside [0,"
                            + f.numItems() + ")");
                }
            }
        }
    }
}
