package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * BERT4Rec (Sun et al. 2019, "BERT4Rec: Sequential Recommendation with Bidirectional Encoder
 * Representations from Transformer"): SASRec's blocks attending in both directions, trained by
 * the cloze task (Sec. 3.6): each position of the last L items is replaced by [MASK] with
 * probability ρ (at least one per sequence) and predicted with a full softmax over all items
 * (cross-entropy; the output layer shares the item table). To score, [MASK] is appended to the
 * user's last L−1 items and its hidden state is dotted with the item embeddings. Differences
 * from the paper: pre-norm blocks with ReLU (as SASRec), no output projection/bias. Shapes:
 * B batch, L positions, M masked positions, I items, d hidden.
 */
public final class Bert4Rec implements SequenceEncoder {
    public static final String KIND = "bert4rec";

    /** The model file's config. */
    public record Layout(Bert4RecConfig config, int numUsers, int numItems) {
    }

    private final Bert4RecConfig config;
    private final SasRec blocks;
    private final int numItems;

    private Bert4Rec(Bert4RecConfig config, int numItems) {
        this.config = config;
        this.blocks = SasRec.bidirectional(config.transformer());
        this.numItems = numItems;
    }

    public static SequentialRecommender fit(InteractionTable train, Bert4RecConfig config, TrainConfig trainConfig,
                                            TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        return SequentialRecommender.fit(new Bert4Rec(config, train.numItems()), train, trainConfig, hooks, validate);
    }

    /** Reads a model written by {@link SequentialRecommender#save}; refuses files of other kinds. */
    public static SequentialRecommender load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        Layout layout = c.config(file, Layout.class);
        return SequentialRecommender.load(file, c, new Bert4Rec(layout.config(), layout.numItems()), layout.numUsers(),
                layout.numItems());
    }

    @Override public String kind() { return KIND; }
    @Override public int dim() { return config.dim(); }
    @Override public int maxLength() { return config.maxLength(); }
    @Override public double dropout() { return config.dropout(); }
    @Override public int extraTokens() { return 1; }
    @Override public Object config() { return config; }
    @Override public Object fileConfig(int numUsers, int numItems) { return new Layout(config, numUsers, numItems); }

    @Override
    public List<Parameter> initialise(SplittableRandom random) {
        return blocks.initialise(random);
    }

    @Override
    public NDArray hidden(AutogradStep step, ParameterSet params, int[] ids, int batch, Dropout dropout) {
        return blocks.hidden(step, params, ids, batch, dropout);
    }

    private int maskToken() {
        return numItems + 1;
    }

    @Override
    public int[] scoringIds(int[][] sequences) {
        int l = config.maxLength();
        int[] out = new int[sequences.length * l];
        int[] ids = l > 1 ? SequentialRecommender.padded(sequences, l - 1) : new int[0];
        for (int b = 0; b < sequences.length; b++) {
            System.arraycopy(ids, b * (l - 1), out, b * l, l - 1);
            out[b * l + l - 1] = maskToken();
        }
        return out;
    }

    @Override
    public NDArray trainingLoss(AutogradStep s, ParameterSet p, int[][] sequences,
                                SequentialRecommender.Negatives negatives, SplittableRandom random) {
        int b = sequences.length;
        int l = config.maxLength();
        int[] ids = SequentialRecommender.padded(sequences, l);
        int[] maskedAt = new int[ids.length];
        long[] targets = new long[ids.length];
        int m = 0;
        for (int k = 0; k < b; k++) {
            int first = -1;
            int before = m;
            for (int t = 0; t < l; t++) {
                int pos = k * l + t;
                if (ids[pos] == 0) {
                    continue;
                }
                first = first < 0 ? pos : first;
                if (random.nextDouble() < config.maskProbability()) {
                    maskedAt[m] = pos;
                    targets[m++] = ids[pos] - 1;
                }
            }
            if (m == before && first >= 0) {
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
        NDArray logProb = picked.matMul(items.transpose()).logSoftmax(1);                           // M × I
        NDArray target = s.indices(java.util.Arrays.copyOf(targets, m), new Shape(m, 1));
        return logProb.gather(target, 1).mean().neg();
    }
}
