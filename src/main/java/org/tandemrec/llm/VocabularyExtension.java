package org.tandemrec.llm;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.List;

/**
 * New whole-word tokens (BDLM's {@code <uid_k>} / {@code <iid_k>}, arXiv 2311.03778 §3.2) added
 * to the tokenizer and, with given initial vectors, to the embedding and LM-head rows. Ids are
 * assigned after the current vocabulary, in list order. Rows are [n][H].
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
