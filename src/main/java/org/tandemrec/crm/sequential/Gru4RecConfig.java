package org.tandemrec.crm.sequential;

import org.tandemrec.base.UsageException;

/**
 * GRU4Rec settings (Hidasi et al. 2016).
 *
 * @param dim        item embedding and GRU hidden size d (> 0)
 * @param maxLength  positions L: the last L items of a sequence are used (> 0)
 * @param dropout    dropout probability on the item embeddings and GRU outputs, in [0, 1)
 */
public record Gru4RecConfig(int dim, int maxLength, double dropout) implements SequenceConfig {
    public Gru4RecConfig {
        if (dim <= 0) {
            throw new UsageException("dim must be > 0, got " + dim);
        }
        if (maxLength <= 0) {
            throw new UsageException("maxLength must be > 0, got " + maxLength);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UsageException("dropout must be in [0, 1), got " + dropout);
        }
    }

    public static Gru4RecConfig defaults() {
        return new Gru4RecConfig(64, 50, 0.25);
    }
}
