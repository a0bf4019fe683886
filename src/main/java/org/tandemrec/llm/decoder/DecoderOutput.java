package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Result of one decoder pass. {@code logits} [B, T, V]; {@code hiddenStates} has L + 1 entries of
 * [B, T, H] as Hugging Face's {@code output_hidden_states}: the embeddings, the output of blocks
 * 0..L-2, and the final-normed output of the last block (empty when not requested).
 */
public record DecoderOutput(NDArray logits, List<NDArray> hiddenStates) {
    /** The top-layer feature (final norm applied) [B, T, H]. */
    public NDArray lastHidden() {
        if (hiddenStates.isEmpty()) {
            throw new IllegalStateException("hidden states were not requested");
        }
        return hiddenStates.get(hiddenStates.size() - 1);
    }
}
