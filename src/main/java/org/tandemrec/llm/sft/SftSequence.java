package org.tandemrec.llm.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/**
 * One tokenised fine-tuning example: input ids [T] and labels [T] aligned with them, −100 where
 * no loss is taken (the prompt), the answer's ids elsewhere; the loss shifts by one (position t
 * predicts label t+1, the Hugging Face convention).
 */
public record SftSequence(int[] ids, int[] labels) {
    /** The label of positions without loss (PyTorch's {@code ignore_index}). */
    public static final int IGNORE = -100;

    public SftSequence {
        if (ids.length == 0 || ids.length != labels.length) {
            throw new IllegalArgumentException("need as many labels as ids (at least one), got " + ids.length + " ids and "
                    + labels.length + " labels");
        }
        ids = ids.clone();
        labels = labels.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** The sequences as one left-padded batch (padding with {@code padId}, its labels ignored). */
    public static TrainBatch leftPadded(List<SftSequence> sequences, int padId) {
        List<int[]> ids = new ArrayList<>(sequences.size());
        List<int[]> labels = new ArrayList<>(sequences.size());
        for (SftSequence s : sequences) {
            ids.add(s.ids);
            labels.add(s.labels);
        }
        return TrainBatch.leftPadded(ids, labels, padId);
    }

    int[] idsView() {
        return ids;
    }

    int[] labelsView() {
        return labels;
    }

    public int length() {
        return ids.length;
    }

    /** Tokens the loss is taken on: labels other than −100 after the first position. */
    public int lossTokens() {
        int n = 0;
        for (int j = 1; j < labels.length; j++) {
            n += labels[j] != IGNORE ? 1 : 0;
        }
        return n;
    }

    /**
     * Prompt + answer (+ end-of-sequence when {@code eosId} ≥ 0), labels −100 on the prompt.
     * Longer than {@code maxLength}: the prompt is cut from the left (the most recent context
     * stays); an answer alone that long is cut at its end, keeping one prompt token.
     */
    public static SftSequence encode(LlmTokenizer tokenizer, SftExample e, int eosId, int maxLength) {
        if (maxLength < 2) {
            throw new UsageException("maxLength must be >= 2, got " + maxLength);
        }
        int[] p = tokenizer.encode(e.prompt());
        int[] a = tokenizer.encode(e.answer());
        if (eosId >= 0) {
            a = Arrays.copyOf(a, a.length + 1);
            a[a.length - 1] = eosId;
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("answer '" + e.answer() + "' encodes to no tokens");
        }
        if (p.length == 0) {
            throw new IllegalArgumentException("prompt '" + e.prompt() + "' encodes to no tokens");
        }
        if (a.length >= maxLength) {
            a = Arrays.copyOf(a, maxLength - 1);
        }
        if (p.length + a.length > maxLength) {
            p = Arrays.copyOfRange(p, p.length - (maxLength - a.length), p.length);
        }
        int[] ids = new int[p.length + a.length];
        int[] labels = new int[ids.length];
        System.arraycopy(p, 0, ids, 0, p.length);
        System.arraycopy(a, 0, ids, p.length, a.length);
        Arrays.fill(labels, 0, p.length, IGNORE);
        System.arraycopy(a, 0, labels, p.length, a.length);
        return new SftSequence(ids, labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SftSequence s && Arrays.equals(ids, s.ids) && Arrays.equals(labels, s.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "SftSequence" + Arrays.toString(ids) + "/" + Arrays.toString(labels);
    }
}
