package org.tandemrec.llm.decoder;

import java.util.Arrays;
import java.util.List;

/**
 * One batch for causal-LM training, left-padded: input ids, attention mask (1 real, 0 padding),
 * position ids (counting from 0 at each row's first real token) and labels (−100 where no loss
 * is taken; aligned with the inputs, shifted inside the loss). All [B][T].
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
        int b = inputs.size();
        int t = 0;
        for (int i = 0; i < b; i++) {
            if (inputs.get(i).length == 0 || inputs.get(i).length != labels.get(i).length) {
                throw new IllegalArgumentException("row " + i + " has " + inputs.get(i).length + " inputs and "
                        + labels.get(i).length + " labels; need the same number, at least one");
            }
            t = Math.max(t, inputs.get(i).length);
        }
        int[][] ids = new int[b][t];
        int[][] mask = new int[b][t];
        int[][] pos = new int[b][t];
        int[][] lab = new int[b][t];
        for (int i = 0; i < b; i++) {
            int[] in = inputs.get(i);
            int pad = t - in.length;
            Arrays.fill(ids[i], 0, pad, padId);
            Arrays.fill(lab[i], 0, pad, -100);
            System.arraycopy(in, 0, ids[i], pad, in.length);
            System.arraycopy(labels.get(i), 0, lab[i], pad, in.length);
            for (int j = pad; j < t; j++) {
                mask[i][j] = 1;
                pos[i][j] = j - pad;
            }
        }
        return new TrainBatch(ids, mask, pos, lab);
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
