package org.tandemrec.crm.sequential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * SASRec (Kang &amp; McAuley 2018, "Self-Attentive Sequential Recommendation"): item embeddings
 * (scaled by √d) plus learned position embeddings, then blocks of causal self-attention and a
 * point-wise feed-forward network (ReLU), each with layer norm, residual connection and dropout
 * (pre-norm as in the authors' code), and a final layer norm; attention skips padding keys (the
 * key masking of the authors' code), so padding carries no weight. Shapes: B batch, L positions, d
 * hidden, h heads. Trained by {@link SequentialRecommender} with one sampled negative per
 * position and binary cross-entropy.
 */
public final class SasRec extends SequenceEncoder<SasRecConfig> {
    public static final String KIND = "sasrec";

    SasRec(SasRecConfig config) {
        super(KIND, config);
    }

    public static SequentialRecommender fit(InteractionTable train, SasRecConfig config, TrainConfig trainConfig,
                                            TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        return SequentialRecommender.fit(new SasRec(config), train, trainConfig, hooks, validate);
    }

    /** Reads a model written by {@link SequentialRecommender#save}; refuses files of other kinds. */
    public static SequentialRecommender load(Path file) {
        return SequentialRecommender.load(file, ModelFile.read(file, KIND), SasRecConfig.class,
                (config, numItems) -> new SasRec(config));
    }

    @Override
    List<Parameter> initialise(SplittableRandom r) {
        int d = config.dim();
        List<Parameter> ps = new ArrayList<>();
        ps.add(positionEmbeddings(r));
        for (int b = 0; b < config.blocks(); b++) {
            String p = "block_" + b + "_";
            ps.add(WeightInit.ones(p + "ln1_g", d));
            ps.add(WeightInit.zeros(p + "ln1_b", d));
            for (String w : new String[] {"wq", "wk", "wv"}) {
                ps.add(WeightInit.glorotNormal(p + w, d, d, r));
            }
            ps.add(WeightInit.ones(p + "ln2_g", d));
            ps.add(WeightInit.zeros(p + "ln2_b", d));
            ps.add(WeightInit.glorotNormal(p + "ffn1_w", d, d, r));
            ps.add(WeightInit.zeros(p + "ffn1_b", d));
            ps.add(WeightInit.glorotNormal(p + "ffn2_w", d, d, r));
            ps.add(WeightInit.zeros(p + "ffn2_b", d));
        }
        ps.add(WeightInit.ones("final_ln_g", d));
        ps.add(WeightInit.zeros("final_ln_b", d));
        return ps;
    }

    @Override
    NDArray hidden(AutogradStep s, ParameterSet p, int[] ids, int batch, Dropout dropout) {
        int l = width(ids, batch);
        int d = config.dim();
        float[] maskValues = realPositions(ids);
        NDArray mask = s.constant(maskValues, new Shape(batch, l, 1));
        NDArray x = s.rows(p.get("item_emb"), ids, new Shape(batch, l)).lookup().mul(s.scalar((float) Math.sqrt(d)));
        x = x.add(positions(s, p, l));
        x = dropout.apply(s, x).mul(mask);
        // Position i may attend to real items j <= i only: −1e9 above the diagonal and on padding
        // keys before the softmax (the key masking of the authors' code).
        float[] causal = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                causal[i * l + j] = -1e9f;
            }
        }
        NDArray attentionMask = s.constant(causal, new Shape(l, l)).add(paddingKeys(s, ids, batch, l));
        for (int b = 0; b < config.blocks(); b++) {
            String n = "block_" + b + "_";
            NDArray q = TensorFunctions.layerNorm(x, s.dense(p.get(n + "ln1_g")), s.dense(p.get(n + "ln1_b")));
            NDArray a = attention(q.matMul(s.dense(p.get(n + "wq"))), x.matMul(s.dense(p.get(n + "wk"))),
                    x.matMul(s.dense(p.get(n + "wv"))), attentionMask, s.scalar((float) (1 / Math.sqrt(d / config.heads()))),
                    batch, l, config.heads(), d);
            x = q.add(dropout.apply(s, a));
            NDArray y = TensorFunctions.layerNorm(x, s.dense(p.get(n + "ln2_g")), s.dense(p.get(n + "ln2_b")));
            NDArray f = TensorFunctions.linear(y, s.dense(p.get(n + "ffn1_w")), s.dense(p.get(n + "ffn1_b")));
            f = TensorFunctions.relu(f);
            f = TensorFunctions.linear(dropout.apply(s, f), s.dense(p.get(n + "ffn2_w")), s.dense(p.get(n + "ffn2_b")));
            x = y.add(dropout.apply(s, f)).mul(mask);
        }
        return TensorFunctions.layerNorm(x, s.dense(p.get("final_ln_g")), s.dense(p.get("final_ln_b")));
    }

    /**
     * Scaled dot-product attention over h heads; q, k, v B × L × d → B × L × d; {@code mask} is
     * added to the B × h × L × L scores (broadcast) before the softmax.
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, NDArray scale, int batch, int l, int h,
                             int d) {
        int dh = d / h;
        NDArray qh = q.reshape(batch, l, h, dh).transpose(0, 2, 1, 3);
        NDArray kh = k.reshape(batch, l, h, dh).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(batch, l, h, dh).transpose(0, 2, 1, 3);
        NDArray w = qh.matMul(kh).mul(scale).add(mask).softmax(-1);
        return w.matMul(vh).transpose(0, 2, 1, 3).reshape(batch, l, d);
    }
}
