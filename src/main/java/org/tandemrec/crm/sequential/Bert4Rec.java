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
 * BERT4Rec (Sun et al. 2019, "BERT4Rec: Sequential Recommendation with Bidirectional Encoder
 * Representations from Transformer"), as in the paper and its BERT-based code:
 * <ul>
 * <li>input (§3.4): item embedding plus learned position embedding, layer norm and dropout;
 * <li>blocks (§3.3, post-LN): h' = LN(h + Dropout(MH(h))), out = LN(h' + Dropout(PFFN(h'))),
 *     multi-head attention with biased projections and an output projection W^O, every position
 *     attending to every real (non-padding) item, PFFN(x) = GELU(x W1 + b1) W2 + b2 with inner
 *     size 4d;
 * <li>output (§3.5, eq. 7): P(v) = softmax(LN(GELU(h W^P + b^P)) E^T + b^O), the item table E
 *     shared with the input and a per-item output bias b^O;
 * <li>training (§3.6): the cloze task — each of the last L items is replaced by [MASK] with
 *     probability ρ (at least one per sequence), and a share {@link #LAST_ONLY_SHARE} of the
 *     sequences masks only its last item ("samples that only mask the last item … work like
 *     fine-tuning for sequential recommendation"); full softmax cross-entropy over all items.
 * </ul>
 * To score, [MASK] is appended to the user's last L−1 items; its output vector dotted with the
 * item embeddings plus the item's output bias is the score. Shapes: B batch, L positions,
 * M masked positions, I items, d hidden.
 */
public final class Bert4Rec extends SequenceEncoder<Bert4RecConfig> {
    public static final String KIND = "bert4rec";
    /** Share of training sequences whose only [MASK] is the last item (§3.6). */
    static final double LAST_ONLY_SHARE = 0.1;
    /** The per-item output bias b^O (1 × I). */
    private static final String OUTPUT_BIAS = "out_item_bias";

    private final int numItems;

    Bert4Rec(Bert4RecConfig config, int numItems) {
        super(KIND, config);
        this.numItems = numItems;
    }

    public static SequentialRecommender fit(InteractionTable train, Bert4RecConfig config, TrainConfig trainConfig,
                                            TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        return SequentialRecommender.fit(new Bert4Rec(config, train.numItems()), train, trainConfig, hooks, validate);
    }

    /** Reads a model written by {@link SequentialRecommender#save}; refuses files of other kinds. */
    public static SequentialRecommender load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        if (!c.tensors().containsKey(OUTPUT_BIAS)) {
            // Files of the earlier layout (pre-norm ReLU blocks, no output projection or bias).
            throw new org.tandemrec.train.CheckpointException(file, "bert4rec model file of an earlier layout (no tensor '"
                    + OUTPUT_BIAS + "'): retrain it");
        }
        return SequentialRecommender.load(file, c, Bert4RecConfig.class, Bert4Rec::new);
    }

    @Override
    int extraTokens() {
        return 1;
    }

    @Override
    List<Parameter> initialise(SplittableRandom r) {
        int d = config.dim();
        int inner = 4 * d;
        List<Parameter> ps = new ArrayList<>();
        ps.add(positionEmbeddings(r));
        ps.add(WeightInit.ones("emb_ln_g", d));
        ps.add(WeightInit.zeros("emb_ln_b", d));
        for (int b = 0; b < config.blocks(); b++) {
            String p = "block_" + b + "_";
            for (String w : new String[] {"wq", "wk", "wv", "wo"}) {
                ps.add(WeightInit.glorotNormal(p + w, d, d, r));
                ps.add(WeightInit.zeros(p + w + "_b", d));
            }
            ps.add(WeightInit.ones(p + "ln1_g", d));
            ps.add(WeightInit.zeros(p + "ln1_b", d));
            ps.add(WeightInit.glorotNormal(p + "ffn1_w", d, inner, r));
            ps.add(WeightInit.zeros(p + "ffn1_b", inner));
            ps.add(WeightInit.glorotNormal(p + "ffn2_w", inner, d, r));
            ps.add(WeightInit.zeros(p + "ffn2_b", d));
            ps.add(WeightInit.ones(p + "ln2_g", d));
            ps.add(WeightInit.zeros(p + "ln2_b", d));
        }
        ps.add(WeightInit.glorotNormal("out_w", d, d, r));
        ps.add(WeightInit.zeros("out_b", d));
        ps.add(WeightInit.ones("out_ln_g", d));
        ps.add(WeightInit.zeros("out_ln_b", d));
        ps.add(WeightInit.zeros(OUTPUT_BIAS, numItems));
        return ps;
    }

    @Override
    String outputBias() {
        return OUTPUT_BIAS;
    }

    /** The output vectors LN(GELU(h W^P + b^P)) of every position, B × L × d. */
    @Override
    NDArray hidden(AutogradStep s, ParameterSet p, int[] ids, int batch, Dropout dropout) {
        int l = width(ids, batch);
        int d = config.dim();
        NDArray x = s.rows(p.get("item_emb"), ids, new Shape(batch, l)).lookup().add(positions(s, p, l));
        x = dropout.apply(s, TensorFunctions.layerNorm(x, s.dense(p.get("emb_ln_g")), s.dense(p.get("emb_ln_b"))));
        // Every position attends to every real item: −1e9 on padding keys (B × 1 × 1 × L).
        NDArray keyMask = paddingKeys(s, ids, batch, l);
        NDArray scale = s.scalar((float) (1 / Math.sqrt((double) d / config.heads())));
        for (int b = 0; b < config.blocks(); b++) {
            String n = "block_" + b + "_";
            NDArray a = SasRec.attention(linear(s, p, x, n + "wq"), linear(s, p, x, n + "wk"), linear(s, p, x, n + "wv"),
                    keyMask, scale, batch, l, config.heads(), d);
            a = linear(s, p, a, n + "wo");
            x = TensorFunctions.layerNorm(x.add(dropout.apply(s, a)), s.dense(p.get(n + "ln1_g")), s.dense(p.get(n + "ln1_b")));
            NDArray f = TensorFunctions.gelu(TensorFunctions.linear(x, s.dense(p.get(n + "ffn1_w")), s.dense(p.get(n + "ffn1_b"))));
            f = TensorFunctions.linear(f, s.dense(p.get(n + "ffn2_w")), s.dense(p.get(n + "ffn2_b")));
            x = TensorFunctions.layerNorm(x.add(dropout.apply(s, f)), s.dense(p.get(n + "ln2_g")), s.dense(p.get(n + "ln2_b")));
        }
        NDArray o = TensorFunctions.gelu(TensorFunctions.linear(x, s.dense(p.get("out_w")), s.dense(p.get("out_b"))));
        return TensorFunctions.layerNorm(o, s.dense(p.get("out_ln_g")), s.dense(p.get("out_ln_b")));
    }

    private static NDArray linear(AutogradStep s, ParameterSet p, NDArray x, String w) {
        return TensorFunctions.linear(x, s.dense(p.get(w)), s.dense(p.get(w + "_b")));
    }

    private int maskToken() {
        return numItems + 1;
    }

    /** The last L' − 1 items and [MASK]: the mask's state scores the next item. */
    @Override
    int[] scoringIds(int[][] sequences, int width) {
        int l = width;
        int[] out = new int[sequences.length * l];
        int[] ids = l > 1 ? SequentialRecommender.padded(sequences, l - 1) : new int[0];
        for (int b = 0; b < sequences.length; b++) {
            System.arraycopy(ids, b * (l - 1), out, b * l, l - 1);
            out[b * l + l - 1] = maskToken();
        }
        return out;
    }

    @Override
    int scoringWidth(int[][] sequences) {
        return trimmedWidth(sequences, -1);
    }

    @Override
    NDArray trainingLoss(AutogradStep s, ParameterSet p, int[][] sequences,
                                SequentialRecommender.Negatives negatives, SplittableRandom random) {
        int b = sequences.length;
        int l = trimmedWidth(sequences, 0);
        int[] ids = SequentialRecommender.padded(sequences, l);
        int[] maskedAt = new int[ids.length];
        long[] targets = new long[ids.length];
        int m = 0;
        for (int k = 0; k < b; k++) {
            int before = m;
            boolean lastOnly = random.nextDouble() < LAST_ONLY_SHARE;
            for (int t = 0; t < l && !lastOnly; t++) {
                int pos = k * l + t;
                if (ids[pos] == 0) {
                    continue;
                }
                if (random.nextDouble() < config.maskProbability()) {
                    maskedAt[m] = pos;
                    targets[m++] = ids[pos] - 1;
                }
            }
            if (m == before && ids[k * l + l - 1] != 0) { // left-padded: the last position is real
                int last = k * l + l - 1;
                maskedAt[m] = last;
                targets[m++] = ids[last] - 1;
            }
        }
        for (int i = 0; i < m; i++) {
            ids[maskedAt[i]] = maskToken();
        }
        NDArray h = hidden(s, p, ids, b, new Dropout(config.dropout(), random)).reshape(b * l, config.dim());
        long[] at = new long[m];
        for (int i = 0; i < m; i++) {
            at[i] = maskedAt[i];
        }
        NDArray picked = new AutogradStep.Rows(h, s.indices(at, new Shape(m))).lookup();   // M × d
        int[] all = new int[numItems];
        for (int i = 0; i < numItems; i++) {
            all[i] = i + 1;
        }
        NDArray items = s.rows(p.get("item_emb"), all, new Shape(numItems)).lookup();               // I × d
        NDArray logits = picked.matMul(items.transpose()).add(s.dense(p.get(OUTPUT_BIAS)));        // M × I
        NDArray logProb = logits.logSoftmax(1);
        NDArray target = s.indices(java.util.Arrays.copyOf(targets, m), new Shape(m, 1));
        return logProb.gather(target, 1).mean().neg();
    }
}
