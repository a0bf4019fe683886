package org.tandemrec.crm.sequential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * The sequence network of a next-item model (SASRec, GRU4Rec, BERT4Rec): from item ids to one
 * hidden state per position; {@link SequentialRecommender} trains, scores and stores it. Shapes:
 * B sequences, L positions, d hidden size. Ids are item + 1, 0 is padding (sequences are
 * left-padded, most recent item last).
 *
 * @param <C> the model's settings
 */
abstract class SequenceEncoder<C extends SequenceConfig> {
    private final String kind;
    protected final C config;

    SequenceEncoder(String kind, C config) {
        this.kind = kind;
        this.config = config;
    }

    /** The model family as written in model files. */
    final String kind() {
        return kind;
    }

    /** The settings (also in checkpoint fingerprints). */
    final C config() {
        return config;
    }

    final int dim() {
        return config.dim();
    }

    final int maxLength() {
        return config.maxLength();
    }

    final double dropout() {
        return config.dropout();
    }

    /** The config object written into model files: the settings plus the sizes. */
    final SequenceLayout<C> fileConfig(int numUsers, int numItems) {
        return new SequenceLayout<>(config, numUsers, numItems);
    }

    /** The parameters besides {@code item_emb} ((I+1) × d), newly initialised from {@code random}. */
    abstract List<Parameter> initialise(SplittableRandom random);

    /**
     * Hidden states B × L' × d of the left-padded id matrix {@code ids} (B × L', row-major, L' ≤
     * L); {@code dropout} is {@link Dropout#NONE} in inference. Padding never reaches an item's
     * state, so a batch trimmed to its longest sequence (L' &lt; L; the positions are the last L'
     * of L) gives the same states as the full width.
     */
    abstract NDArray hidden(AutogradStep step, ParameterSet params, int[] ids, int batch, Dropout dropout);

    /**
     * The name of a 1 × I parameter added to every item's score (an output bias), or null for
     * none.
     */
    String outputBias() {
        return null;
    }

    /** Extra token rows after the items in {@code item_emb} (e.g. BERT4Rec's [MASK]). */
    int extraTokens() {
        return 0;
    }

    /**
     * The training loss of a batch of user sequences (item ids, oldest first, at most L+1 long;
     * {@code negatives.sample(k, r)} draws an item user k has not seen), the batch trimmed to its
     * longest sequence ({@link #trimmedWidth}). Default: next-item BCE.
     */
    NDArray trainingLoss(AutogradStep step, ParameterSet params, int[][] sequences,
                         SequentialRecommender.Negatives negatives, SplittableRandom random) {
        return SequentialRecommender.nextItemLoss(this, step, params, sequences, negatives, random);
    }

    /** The width L' of a B × L' id matrix, at most L. */
    final int width(int[] ids, int batch) {
        int l = batch == 0 ? maxLength() : ids.length / batch;
        if (l * batch != ids.length || l < 1 || l > maxLength()) {
            throw new IllegalArgumentException(ids.length + " ids are not " + batch + " rows of 1.." + maxLength());
        }
        return l;
    }

    /**
     * The position embeddings of the last {@code l} of L positions (l × d): sequences are
     * left-padded, so the most recent item always has the last position, trimmed or not.
     */
    final NDArray positions(AutogradStep step, ParameterSet params, int l) {
        NDArray all = step.dense(params.get("pos_emb"));
        return l == maxLength() ? all : all.get(new NDIndex("{}:", maxLength() - l));
    }

    /**
     * −1e9 on the padding keys of the id matrix {@code ids} (B × L'), 0 on items, as B × 1 × 1 × L'
     * to add to attention scores: no position attends to padding.
     */
    static NDArray paddingKeys(AutogradStep step, int[] ids, int batch, int l) {
        float[] keys = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            keys[i] = ids[i] == 0 ? -1e9f : 0f;
        }
        return step.constant(keys, new Shape(batch, 1, 1, l));
    }

    /** The longest of {@code sequences} capped at L: the width a batch of them is trimmed to. */
    final int trimmedWidth(int[][] sequences, int shorterBy) {
        int l = 1;
        for (int[] s : sequences) {
            l = Math.max(l, s.length - shorterBy);
        }
        return Math.min(l, maxLength());
    }

    /** Learned position embeddings {@code pos_emb} (L × d) from N(0, 1/d), as the item table. */
    final Parameter positionEmbeddings(SplittableRandom random) {
        int d = dim();
        return Parameter.dense("pos_emb", maxLength(), d, WeightInit.normal(maxLength() * d, 1.0 / Math.sqrt(d), random));
    }

    /** 1 where {@code ids} holds an item, 0 on padding (B × L, row-major). */
    static float[] realPositions(int[] ids) {
        float[] mask = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i] == 0 ? 0f : 1f;
        }
        return mask;
    }

    /**
     * The padded ids (B × {@code width}) whose last hidden state represents each user for
     * scoring; {@code width} is at least {@link #scoringWidth} of the sequences, at most L.
     */
    int[] scoringIds(int[][] sequences, int width) {
        return SequentialRecommender.padded(sequences, width);
    }

    /** The narrowest width that holds each sequence's scoring ids: its longest, capped at L. */
    int scoringWidth(int[][] sequences) {
        return trimmedWidth(sequences, 0);
    }
}
