package org.tandemrec.llm.decoder;

import java.util.List;

/**
 * One batch for causal-LM training: input ids, attention mask (1 real, 0 padding), position ids
 * (counting from 0 at each row's first real token) and labels (−100 where no loss is taken;
 * aligned with the inputs, shifted inside the loss). All [B][T]; {@link #leftPadded} lays the
 * rows out as {@link PaddedBatch} does.
 */
public record TrainBatch(int[][] ids, int[][] mask, int[][] positions, int[][] labels) {
    public TrainBatch {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        if (mask.length != ids.length || positions.length != ids.length || labels.length != ids.length) {
            throw new IllegalArgumentException("ids, mask, positions and labels must have the same number of rows, got "
                    + ids.length + ", " + mask.length + ", " + positions.length + ", " + labels.length);
        }
    }

    /** Rows of {@code inputs} with their {@code labels} (same lengths), padded on the left to the longest. */
    public static TrainBatch leftPadded(List<int[]> inputs, List<int[]> labels, int padId) {
        if (inputs.isEmpty() || inputs.size() != labels.size()) {
            throw new IllegalArgumentException("need as many label rows as input rows (at least one), got "
                    + inputs.size() + " and " + labels.size());
        }
        PaddedBatch p = PaddedBatch.leftPadded(inputs, padId);
        return new TrainBatch(p.ids(), p.mask(), p.positions(), p.alignLeft(labels, -100));
    }

    /** Number of tokens the loss is taken on (labels other than −100 after the first column). */
    public int lossTokens() {
        int n = 0;
        for (int[] row : labels) {
            for (int j = 1; j < row.length; j++) {
                n += row[j] != -100 ? 1 : 0;
            }
        }
        return n;
    }
}
