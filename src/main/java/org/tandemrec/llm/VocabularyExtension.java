package org.tandemrec.llm;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.List;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.DecoderWeights;
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
     * Rows initialised from CRM vectors (BDLM's pre-loaded ID embeddings, §4.1.2). When the CRM
     * size d equals the hidden size H the vectors go in as they are — norms and inner products
     * kept, as BDLM trains its CRM at H — unless {@code rescale} asks for one common factor that
     * brings their root-mean-square value to {@code targetRms}. When the sizes differ they go
     * through a seeded Gaussian random projection d → H with entries of variance 1/d, which keeps
     * inner products in expectation (Johnson–Lindenstrauss), and then always through that common
     * factor, so the new rows are on the scale of the model's rows (one factor for all, so their
     * relative norms and the order of their inner products stay the CRM's). The LM-head rows start
     * equal to the embedding rows.
     *
     * @param vectors [n][d] one vector per token
     * @param targetRms root-mean-square value of the new rows after a rescale (> 0), e.g. that of
     *     the embedding table
     */
    public static VocabularyExtension fromVectors(List<String> tokens, float[][] vectors, int hidden, double targetRms,
                                                  boolean rescale, long seed) {
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
        if (rescale || d != hidden) {
            double ss = 0;
            for (float[] row : rows) {
                for (float v : row) {
                    ss += (double) v * v;
                }
            }
            double rms = Math.sqrt(ss / ((double) rows.length * hidden));
            float scale = rms > 0 ? (float) (targetRms / rms) : 0f;
            for (float[] row : rows) {
                for (int h = 0; h < row.length; h++) {
                    row[h] *= scale;
                }
            }
        }
        float[][] head = new float[rows.length][];
        for (int k = 0; k < rows.length; k++) {
            head[k] = rows[k].clone();
        }
        return new VocabularyExtension(tokens, rows, head);
    }

    /** A tokenizer and model extended together: the new tokens' ids start at {@code firstId}. */
    public record Extended(LlmTokenizer tokenizer, DecoderWeights weights, int firstId) implements AutoCloseable {
        @Override
        public void close() {
            tokenizer.close();
            weights.close();
        }
    }

    /**
     * The tokenizer with the new tokens and the weights with their rows. The new ids follow the
     * tokenizer's last id: a checkpoint whose {@code vocab_size} is padded beyond its tokenizer
     * (Qwen2.5) first uses its free rows, then grows; a tokenizer larger than the model is
     * refused. Neither input is changed.
     */
    public Extended apply(LlmTokenizer tokenizer, DecoderWeights weights, NDManager parent) throws IOException {
        int first = tokenizer.size();
        int vocab = weights.config().vocabSize();
        if (first > vocab) {
            throw new DataFormatException("tokenizer has " + first + " tokens but vocab_size is " + vocab
                    + "; the model has no rows for some of its ids");
        }
        LlmTokenizer extended = tokenizer.withAddedTokens(tokens);
        try {
            return new Extended(extended, weights.withTokenRows(first, embeddingRows, lmHeadRows, parent), first);
        } catch (RuntimeException e) {
            extended.close();
            throw e;
        }
    }
}
