package org.tandemrec.llm.decoder;

import java.util.Arrays;
import java.util.List;

/**
 * Token rows of different lengths as one decoder batch, padded on the left to the longest row T:
 * input ids [B][T] ({@code padId} on padding), attention mask [B][T] (1 real, 0 padding) and
 * position ids [B][T] counting from 0 at each row's first real token (0 on padding). With these,
 * {@link Decoder} computes every row as if it were alone, and each row's last real token sits in
 * the last column, where scoring and generation read the next-token logits.
 */
public record PaddedBatch(int[][] ids, int[][] mask, int[][] positions) {
    public PaddedBatch {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        if (mask.length != ids.length || positions.length != ids.length) {
            throw new IllegalArgumentException("ids, mask and positions must have the same number of rows, got "
                    + ids.length + ", " + mask.length + ", " + positions.length);
        }
    }

    /** {@code rows} (at least one, none empty) padded on the left with {@code padId}. */
    public static PaddedBatch leftPadded(List<int[]> rows, int padId) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one row");
        }
        int t = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length == 0) {
                throw new IllegalArgumentException("row " + i + " has no tokens");
            }
            t = Math.max(t, rows.get(i).length);
        }
        int b = rows.size();
        int[][] ids = new int[b][t];
        int[][] mask = new int[b][t];
        int[][] pos = new int[b][t];
        for (int i = 0; i < b; i++) {
            int[] row = rows.get(i);
            int pad = t - row.length;
            Arrays.fill(ids[i], 0, pad, padId);
            System.arraycopy(row, 0, ids[i], pad, row.length);
            for (int j = pad; j < t; j++) {
                mask[i][j] = 1;
                pos[i][j] = j - pad;
            }
        }
        return new PaddedBatch(ids, mask, pos);
    }

    /** {@link #leftPadded(List, int)} of the rows of an array. */
    public static PaddedBatch leftPadded(int[][] rows, int padId) {
        return leftPadded(Arrays.asList(rows), padId);
    }

    /** B, the number of rows. */
    public int rows() {
        return ids.length;
    }

    /** Real (non-padding) tokens of row {@code i}. */
    public int length(int i) {
        int n = 0;
        for (int v : mask[i]) {
            n += v;
        }
        return n;
    }

    /**
     * Per-token values (one array per row, as long as that row's tokens) placed like the tokens:
     * [B][T] with {@code fill} on the padding, e.g. training labels with −100 there.
     */
    public int[][] alignLeft(List<int[]> values, int fill) {
        if (values.size() != ids.length) {
            throw new IllegalArgumentException("need one row of values per batch row: " + ids.length + " rows, got "
                    + values.size());
        }
        int t = ids[0].length;
        int[][] out = new int[ids.length][t];
        for (int i = 0; i < ids.length; i++) {
            int n = length(i);
            int[] v = values.get(i);
            if (v.length != n) {
                throw new IllegalArgumentException("row " + i + " has " + n + " tokens and " + v.length
                        + " values; need the same number");
            }
            Arrays.fill(out[i], 0, t - n, fill);
            System.arraycopy(v, 0, out[i], t - n, n);
        }
        return out;
    }
}
