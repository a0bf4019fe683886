package org.tandemrec.split;

import java.util.List;

/** A sentence encoder: texts to L2-normalised vectors. */
public interface TextEncoder extends AutoCloseable {
    /** Embeddings of the texts, one row of {@link #dimension()} floats per text, unit length (zero for blank text). */
    float[][] encode(List<String> texts);

    int dimension();

    /** Identifies the model, so cached embeddings of another model are not reused. */
    String modelName();

    /** Frees the model; a later {@link #encode} loads it again. */
    @Override
    default void close() {
    }
}
