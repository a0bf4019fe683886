package org.tandemrec.crm.sequential;

import org.tandemrec.base.UsageException;

/**
 * BERT4Rec settings (Sun et al. 2019).
 *
 * @param dim              embedding and hidden size d (> 0, divisible by {@code heads})
 * @param maxLength        positions L (> 0)
 * @param blocks           transformer blocks (> 0; paper 2)
 * @param heads            attention heads (> 0; paper 2)
 * @param dropout          dropout probability, in [0, 1)
 * @param maskProbability  cloze masking proportion ρ, in (0, 1) (paper: 0.2 on MovieLens-1M with
 *                         L = 200; 0.4 tuned on ml-100k's validation with L = 50)
 */
public record Bert4RecConfig(int dim, int maxLength, int blocks, int heads, double dropout, double maskProbability) implements SequenceConfig {
    public Bert4RecConfig {
        new SasRecConfig(dim, maxLength, blocks, heads, dropout);
        if (!(maskProbability > 0 && maskProbability < 1)) {
            throw new UsageException("maskProbability must be in (0, 1), got " + maskProbability);
        }
    }

    public static Bert4RecConfig defaults() {
        return new Bert4RecConfig(64, 50, 2, 2, 0.1, 0.4);
    }
}
