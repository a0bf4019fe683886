package org.tandemrec.crm.sequential;

import org.tandemrec.base.UsageException;

/**
 * SASRec settings (Kang &amp; McAuley 2018, Sec. III).
 *
 * @param dim        embedding and hidden size d (> 0, divisible by {@code heads})
 * @param maxLength  positions L: the last L items of a sequence are used (> 0)
 * @param blocks     self-attention blocks (> 0; paper 2)
 * @param heads      attention heads (> 0; paper 1)
 * @param dropout    dropout probability on embeddings, attention and FFN outputs, in [0, 1)
 */
public record SasRecConfig(int dim, int maxLength, int blocks, int heads, double dropout) implements SequenceConfig {
    public SasRecConfig {
        if (dim <= 0) {
            throw new UsageException("dim must be > 0, got " + dim);
        }
        if (maxLength <= 0) {
            throw new UsageException("maxLength must be > 0, got " + maxLength);
        }
        if (blocks <= 0) {
            throw new UsageException("blocks must be > 0, got " + blocks);
        }
        if (heads <= 0 || dim % heads != 0) {
            throw new UsageException("heads must be > 0 and divide dim " + dim + ", got " + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UsageException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The paper's MovieLens settings: d=50 is rounded to 64, L=200 shortened to 50, 2 blocks, 1 head, dropout 0.2. */
    public static SasRecConfig defaults() {
        return new SasRecConfig(64, 50, 2, 1, 0.2);
    }
}
