package org.tandemrec.llm;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.List;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/**
 * New whole-word tokens (BDLM's {@code <uid_k>} / {@code <iid_k>}, arXiv 2311.03778 §4.1.1)
 * added to the tokenizer and, with given initial vectors (pre-loaded from a CRM, §4.1.2), to the
 * embedding and LM-head rows. Ids are assigned after the current vocabulary, in list order. Rows
 * are [n][H].
 */
public record VocabularyExtension(List<String> tokens, float[][] embeddingRows, float[][] lmHeadRows) {
    public VocabularyExtension {
        tokens = List.copyOf(tokens);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tokens must not be empty");
        }
        if (embeddingRows.length != tokens.size()) {
            throw new IllegalArgumentException("embeddingRows must have one row per token: " + embeddingRows.length
                    + " rows for " + tokens.size() + " tokens");
        }
        if (lmHeadRows != null && lmHeadRows.length != tokens.size()) {
            throw new IllegalArgumentException("lmHeadRows must have one row per token: " + lmHeadRows.length
                    + " rows for " + tokens.size() + " tokens");
        }
    }

    /**
     * Rows initialised from CRM vectors (BDLM's pre-loaded ID embeddings). When the CRM size d
     * equals the hidden size H the vectors are used as they are (BDLM trains its CRM at H);
     * otherwise they go through a seeded Gaussian random projection d → H with entries of
     * variance 1/d, which keeps inner products in expectation (Johnson–Lindenstrauss), and every
     * row is then scaled to {@code targetRms}, the typical size of the model's existing rows, so
     * the new tokens neither dominate nor vanish next to the old ones. The LM-head rows start
     * equal to the embedding rows.
     *
     * @param vectors [n][d] one vector per token
     * @param targetRms root-mean-square value each new row gets (> 0), e.g. that of the embedding table
     */
    public static VocabularyExtension fromVectors(List<String> tokens, float[][] vectors, int hidden, double targetRms,
                                                  long seed) {
        if (hidden <= 0) {
            throw new IllegalArgumentException("hidden must be > 0, got " + hidden);
        }
        if (!(targetRms > 0) || Double.isInfinite(targetRms)) {
            throw new IllegalArgumentException("targetRms must be > 0 and finite, got " + targetRms);
        }
        if (vectors.length == 0) {
            throw new IllegalArgumentException("vectors must not be empty");
        }
        int d = vectors[0].length;
        for (int k = 0; k < vectors.length; k++) {
            if (vectors[k].length != d) {
                throw new IllegalArgumentException("vectors[" + k + "] has " + vectors[k].length + " values, vectors[0] has " + d);
            }
        }
        float[][] rows = new float[vectors.length][];
        if (d == hidden) {
            for (int k = 0; k < rows.length; k++) {
                rows[k] = vectors[k].clone();
            }
        } else {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            double[] proj = new double[d * hidden];
            double sd = 1 / Math.sqrt(d);
            for (int i = 0; i < proj.length; i++) {
                proj[i] = r.nextGaussian() * sd;
            }
            for (int k = 0; k < rows.length; k++) {
                rows[k] = new float[hidden];
                for (int j = 0; j < d; j++) {
                    double v = vectors[k][j];
                    for (int h = 0; h < hidden; h++) {
                        rows[k][h] += (float) (v * proj[j * hidden + h]);
                    }
                }
            }
        }
        for (float[] row : rows) {
            double ss = 0;
            for (float v : row) {
                ss += (double) v * v;
            }
            double rms = Math.sqrt(ss / row.length);
            float scale = rms > 0 ? (float) (targetRms / rms) : 0f;
            for (int h = 0; h < row.length; h++) {
                row[h] *= scale;
            }
        }
        float[][] head = new float[rows.length][];
        for (int k = 0; k < rows.length; k++) {
            head[k] = rows[k].clone();
        }
        return new VocabularyExtension(tokens, rows, head);
    }

    /** The extended tokenizer; its new ids start at the model's vocabulary size. */
    public LlmTokenizer apply(LlmTokenizer tokenizer, LlamaConfig config) throws IOException {
        if (tokenizer.size() != config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.size() + " tokens but vocab_size is "
                    + config.vocabSize() + "; new ids would not line up with the new embedding rows");
        }
        return tokenizer.withAddedTokens(tokens);
    }

    /** Weights with the new embedding (and, when untied, LM-head) rows appended. */
    public DecoderWeights apply(DecoderWeights weights, NDManager parent) {
        return weights.withExtraTokens(embeddingRows, lmHeadRows, parent);
    }
}
