package org.tandemrec.crm.sequential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
 * GRU4Rec (Hidasi et al. 2016, "Session-based Recommendations with Recurrent Neural Networks"):
 * one GRU layer over the item embeddings, r_t = σ(x_t W_r + h U_r + b_r),
 * z_t = σ(x_t W_z + h U_z + b_z), n_t = tanh(x_t W_n + b_n + r_t ⊙ (h U_n + c_n)),
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1} (PyTorch's gate convention); padding positions keep
 * h_{t−1}. Unlike the paper's session-parallel mini-batches with TOP1/BPR loss, it is trained
 * like SASRec ({@link SequentialRecommender}: whole user sequences, BCE with one sampled negative
 * per position) so the two are compared under one objective. Shapes: B batch, L positions, d hidden.
 */
public final class Gru4Rec extends SequenceEncoder<Gru4RecConfig> {
    public static final String KIND = "gru4rec";

    Gru4Rec(Gru4RecConfig config) {
        super(KIND, config);
    }

    public static SequentialRecommender fit(InteractionTable train, Gru4RecConfig config, TrainConfig trainConfig,
                                            TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        return SequentialRecommender.fit(new Gru4Rec(config), train, trainConfig, hooks, validate);
    }

    /** Reads a model written by {@link SequentialRecommender#save}; refuses files of other kinds. */
    public static SequentialRecommender load(Path file) {
        return SequentialRecommender.load(file, ModelFile.read(file, KIND), Gru4RecConfig.class,
                (config, numItems) -> new Gru4Rec(config));
    }

    @Override
    List<Parameter> initialise(SplittableRandom r) {
        int d = config.dim();
        List<Parameter> ps = new ArrayList<>();
        ps.add(WeightInit.glorotNormal("gru_wx", d, 3 * d, r));
        ps.add(WeightInit.glorotNormal("gru_wh", d, 3 * d, r));
        ps.add(WeightInit.zeros("gru_bx", 3 * d));
        ps.add(WeightInit.zeros("gru_bh", 3 * d));
        return ps;
    }

    @Override
    NDArray hidden(AutogradStep s, ParameterSet p, int[] ids, int batch, Dropout dropout) {
        int l = width(ids, batch);
        int d = config.dim();
        float[] maskValues = realPositions(ids);
        NDArray x = s.rows(p.get("item_emb"), ids, new Shape(batch, l)).lookup();
        x = dropout.apply(s, x);
        // Input projections of all positions at once: B × L × 3d.
        NDList gx = TensorFunctions.linear(x, s.dense(p.get("gru_wx")), s.dense(p.get("gru_bx"))).split(l, 1);
        NDList masks = s.constant(maskValues, new Shape(batch, l, 1)).split(l, 1);
        float[] keepValues = new float[maskValues.length];
        for (int i = 0; i < keepValues.length; i++) {
            keepValues[i] = 1f - maskValues[i];
        }
        NDList keeps = s.constant(keepValues, new Shape(batch, l, 1)).split(l, 1);
        NDArray wh = s.dense(p.get("gru_wh"));
        NDArray bh = s.dense(p.get("gru_bh"));
        NDArray h = s.manager().zeros(new Shape(batch, d));
        NDList states = new NDList();
        for (int t = 0; t < l; t++) {
            NDList xi = gx.get(t).reshape(batch, 3 * d).split(3, 1);
            NDList hi = TensorFunctions.linear(h, wh, bh).split(3, 1);
            NDArray r = xi.get(0).add(hi.get(0)).getNDArrayInternal().sigmoid();
            NDArray z = xi.get(1).add(hi.get(1)).getNDArrayInternal().sigmoid();
            NDArray n = xi.get(2).add(r.mul(hi.get(2))).tanh();
            NDArray next = n.sub(z.mul(n)).add(z.mul(h));
            NDArray m = masks.get(t).reshape(batch, 1);
            h = next.mul(m).add(h.mul(keeps.get(t).reshape(batch, 1)));
            states.add(h);
        }
        NDArray out = NDArrays.stack(states, 1);
        return dropout.apply(s, out);
    }
}
