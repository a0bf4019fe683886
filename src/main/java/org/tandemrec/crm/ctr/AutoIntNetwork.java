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
 * AutoInt's network (Song et al. 2019, §4.3): its parameters by name and the forward pass in an
 * {@link AutogradStep}. The F {@link FieldEmbeddings} e_m (d each) go through L interacting
 * layers; in layer l, head h maps every field with W_Q^h, W_K^h, W_V^h (d_l × d'), and field m
 * attends over all fields k with α_{m,k} = softmax_k(⟨W_Q^h e_m, W_K^h e_k⟩) (the paper's
 * unscaled inner product), ẽ_m^h = Σ_k α_{m,k} W_V^h e_k; the heads are concatenated and
 * e_m ← ReLU(ẽ_m + W_Res e_m), so d_0 = d and d_l = H·d' afterwards. The output layer is
 * w^T [e_1, …, e_F] + b, with AutoInt+'s DNN output on the flat embeddings concatenated to the
 * final field representations when it is configured.
 *
 * <p>Parameters: the field tables, {@code att_l_q}, {@code att_l_k}, {@code att_l_v},
 * {@code att_l_res} (d_l × H·d', the heads side by side, Glorot-normal), {@code deep_k_*},
 * {@code out_w}, {@code out_b}. Outputs: {@code attention_l} (B × F·H·d', layer l's field
 * representations), {@code deep_out} (AutoInt+ only), {@code logit} (B × 1). Shapes: B batch,
 * F fields, d embedding size, H heads, d' head size.
 */
final class AutoIntNetwork {
    private AutoIntNetwork() {
    }

    /** Fresh parameters from {@code r} (also the shapes a model file is read against). */
    static ParameterSet initialise(CtrFeatures f, AutoIntConfig c, SplittableRandom r) {
        List<Parameter> ps = new ArrayList<>();
        FieldEmbeddings.addTables(ps, FieldEmbeddings.EMBEDDING, f, c.embeddingDim(), c.initStd(), r);
        int width = c.heads() * c.attentionSize();
        int in = c.embeddingDim();
        for (int l = 0; l < c.layers(); l++) {
            for (String w : new String[] {"q", "k", "v", "res"}) {
                ps.add(WeightInit.glorotNormal("att_" + l + "_" + w, in, width, r));
            }
            in = width;
        }
        int flat = f.numFields() * width;
        int deep = c.deepLayers().isEmpty() ? 0
                : DeepTower.addLayers(ps, "deep", f.numFields() * c.embeddingDim(), c.deepLayers(), r);
        ps.add(WeightInit.glorotNormal("out_w", flat + deep, 1, r));
        ps.add(WeightInit.zeros("out_b", 1));
        return new ParameterSet(ps);
    }

    /** The forward pass; returns the named outputs, {@code logit} being B × 1. */
    static Map<String, NDArray> forward(AutogradStep s, ParameterSet p, AutoIntConfig c, CtrFeatures f, int[] users,
                                        int[] items, int[][] histories) {
        int b = users.length;
        int fields = f.numFields();
        NDArray e = FieldEmbeddings.embeddings(s, p, f, c.embeddingDim(), c.historyLength(), users, items, histories);
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray x = e;
        for (int l = 0; l < c.layers(); l++) {
            x = interactingLayer(s, p, c, l, x);
            out.put("attention_" + l, x.reshape(b, (long) fields * c.heads() * c.attentionSize()));
        }
        NDArray head = out.get("attention_" + (c.layers() - 1));
        if (!c.deepLayers().isEmpty()) {
            NDArray deep = DeepTower.forward(s, p, "deep", c.deepLayers().size(), e.reshape(b, (long) fields * c.embeddingDim()));
            out.put("deep_out", deep);
            head = NDArrays.concat(new NDList(head, deep), 1);
        }
        out.put("logit", TensorFunctions.linear(head, s.dense(p.get("out_w")), s.dense(p.get("out_b"))));
        return out;
    }

    /** Layer l on x (B × F × d_l): multi-head self-attention over the fields plus the residual map, B × F × H·d'. */
    private static NDArray interactingLayer(AutogradStep s, ParameterSet p, AutoIntConfig c, int l, NDArray x) {
        long b = x.getShape().get(0);
        long fields = x.getShape().get(1);
        int h = c.heads();
        int a = c.attentionSize();
        NDArray q = heads(x.matMul(s.dense(p.get("att_" + l + "_q"))), h, a);                 // B×H×F×d'
        NDArray k = heads(x.matMul(s.dense(p.get("att_" + l + "_k"))), h, a);
        NDArray v = heads(x.matMul(s.dense(p.get("att_" + l + "_v"))), h, a);
        NDArray alpha = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);                         // B×H×F×F
        NDArray attended = alpha.matMul(v).transpose(0, 2, 1, 3).reshape(b, fields, (long) h * a); // B×F×H·d'
        return TensorFunctions.relu(attended.add(x.matMul(s.dense(p.get("att_" + l + "_res")))));
    }

    /** B × F × H·d' (heads side by side) as B × H × F × d'. */
    private static NDArray heads(NDArray x, int h, int a) {
        long b = x.getShape().get(0);
        long fields = x.getShape().get(1);
        return x.reshape(b, fields, h, a).transpose(0, 2, 1, 3);
    }
}
