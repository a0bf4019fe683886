package org.tandemrec.collab.bdlm;

import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.crm.Recommender;
import org.tandemrec.llm.VocabularyExtension;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.split.SplitData;

/**
 * BDLM's ID-token rows (arXiv 2311.03778 §4.1): the CRM's user and item vectors pre-loaded as the
 * rows of {@code <uid_k>} / {@code <iid_k>} (brought to the vocabulary's scale), or rows drawn as
 * new tokens usually are (the "w/o pre-loaded embeddings" ablation), and the factor that lets the
 * feature-enhanced CRM start from the CRM's own score.
 */
final class IdTokenRows {
    private IdTokenRows() {
    }

    /** Root-mean-square value of the model's embedding rows: the scale new rows are brought to. */
    static double rms(DecoderWeights w) {
        float[] e = w.get("model.embed_tokens.weight").toFloatArray();
        double ss = 0;
        for (float v : e) {
            ss += (double) v * v;
        }
        return Math.sqrt(ss / e.length);
    }

    /**
     * The ID-token rows: the CRM's vectors (pre-loaded), or, without pre-loading, rows drawn as
     * new tokens usually are — the embedding table's mean plus Gaussian noise of its scale.
     */
    static VocabularyExtension of(SplitData split, Recommender crm, int h, double rms, boolean preload, boolean rescale,
                                  long seed) {
        List<String> tokens = IdTokens.all(split.numUsers(), split.numItems());
        if (preload) {
            float[][] v = new float[tokens.size()][];
            float[][] u = crm.userEmbeddings();
            float[][] i = crm.itemEmbeddings();
            System.arraycopy(u, 0, v, 0, u.length);
            System.arraycopy(i, 0, v, u.length, i.length);
            return VocabularyExtension.fromVectors(tokens, v, h, rms, rescale, seed);
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x1D1DL);
        float[][] rows = new float[tokens.size()][h];
        for (float[] row : rows) {
            for (int j = 0; j < h; j++) {
                row[j] = (float) (r.nextGaussian() * rms);
            }
        }
        return new VocabularyExtension(tokens, rows, rows);
    }

    /**
     * The feature-enhanced CRM over the CRM's rows of {@code rows}, started from the CRM's own
     * score: through the tables' inner product when the CRM scores by it and the rows are its
     * vectors times one factor f (weight 1/f²), otherwise through its score as an input (NeuMF,
     * GMF, or vectors projected to the LLM's size, whose inner products no factor restores).
     */
    static FeatureEnhancedCrm featureEnhanced(Recommender crm, VocabularyExtension rows, int featureSize, int hidden,
                                              long seed) {
        int users = crm.numUsers();
        float[][] u = rows(rows, 0, users);
        float[][] i = rows(rows, users, crm.numItems());
        return startsFromInnerProduct(crm, rows)
                ? FeatureEnhancedCrm.initial(u, i, featureSize, hidden, innerProductScale(crm, rows), seed)
                : FeatureEnhancedCrm.initialOnScores(u, i, featureSize, hidden, crm, seed);
    }

    /** Whether {@link #featureEnhanced} starts from the rows' inner product (else from the CRM's score as an input). */
    static boolean startsFromInnerProduct(Recommender crm, VocabularyExtension rows) {
        return scoresByInnerProduct(crm) && !Double.isNaN(innerProductScale(crm, rows));
    }

    /**
     * Whether the CRM's score is the inner product of its user and item embeddings, checked on
     * seeded pairs (a model without embeddings, or with a head on top of them, is not).
     */
    static boolean scoresByInnerProduct(Recommender crm) {
        float[][] u;
        float[][] i;
        try {
            u = crm.userEmbeddings();
            i = crm.itemEmbeddings();
        } catch (UnsupportedOperationException e) {
            return false;
        }
        if (u.length == 0 || i.length == 0 || u[0].length != i[0].length) {
            return false;
        }
        SplittableRandom r = new SplittableRandom(17);
        int n = 64;
        int[] us = new int[n];
        int[] is = new int[n];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(u.length);
            is[k] = r.nextInt(i.length);
        }
        float[] s = crm.score(us, is);
        for (int k = 0; k < n; k++) {
            double dot = 0;
            for (int j = 0; j < u[0].length; j++) {
                dot += (double) u[us[k]][j] * i[is[k]][j];
            }
            if (Math.abs(s[k] - dot) > 1e-3 * (1 + Math.abs(dot))) {
                return false;
            }
        }
        return true;
    }

    /**
     * 1/f² for rows that are the CRM's vectors times f (rescaled to the vocabulary); NaN when
     * the rows are projected to another size.
     */
    static double innerProductScale(Recommender crm, VocabularyExtension rows) {
        float[][] u = crm.userEmbeddings();
        if (u[0].length != rows.embeddingRows()[0].length) {
            return Double.NaN;
        }
        double raw = 0;
        double scaled = 0;
        for (int k = 0; k < u.length; k++) {
            for (int j = 0; j < u[k].length; j++) {
                raw += (double) u[k][j] * u[k][j];
                scaled += (double) rows.embeddingRows()[k][j] * rows.embeddingRows()[k][j];
            }
        }
        return scaled > 0 && raw > 0 ? raw / scaled : 1;
    }

    /** Copies of rows {@code from}..{@code from + n - 1} of the extension. */
    static float[][] rows(VocabularyExtension e, int from, int n) {
        float[][] out = new float[n][];
        for (int k = 0; k < n; k++) {
            out[k] = e.embeddingRows()[from + k].clone();
        }
        return out;
    }
}
