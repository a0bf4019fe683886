package org.tandemrec.llm;

import java.util.Arrays;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.BdlmPrompts;

/**
 * How prompts and answers become token ids, the same way for training and scoring: each part of
 * a prompt is encoded on its own and the ids concatenated (so a user's prompt prefix has the same
 * ids whatever follows), after the model's beginning-of-sequence token when it has one. Finds the
 * tokens that tell the answers apart: the ids {@code " Yes"} and {@code " No"} share (a leading
 * space token in some vocabularies) and the first that differs, and the ids before an item's token
 * in the answer {@code " <iid_k>"}.
 */
public final class PromptTokens {
    private final LlmTokenizer tokenizer;
    private final int bos;
    private final int eos;
    private final int[] yesNoLead;
    private final int yes;
    private final int no;

    public PromptTokens(LlmTokenizer tokenizer, int bos, int eos) {
        this.tokenizer = tokenizer;
        this.bos = bos;
        this.eos = eos;
        int[] y = tokenizer.encode(BdlmPrompts.YES);
        int[] n = tokenizer.encode(BdlmPrompts.NO);
        int common = 0;
        while (common < y.length && common < n.length && y[common] == n[common]) {
            common++;
        }
        if (common == y.length || common == n.length) {
            throw new DataFormatException("the tokenizer encodes \"" + BdlmPrompts.YES.strip()
                    + "\" and \"" + BdlmPrompts.NO.strip() + "\" so that one is a prefix of the other");
        }
        this.yesNoLead = Arrays.copyOf(y, common);
        this.yes = y[common];
        this.no = n[common];
    }

    public int eos() {
        return eos;
    }

    public int yesToken() {
        return yes;
    }

    public int noToken() {
        return no;
    }

    /** The answer ids before the Yes/No token (empty in most vocabularies). */
    public int[] yesNoLead() {
        return yesNoLead.clone();
    }

    /** The model's beginning-of-sequence token (when it has one) and the parts, each encoded alone. */
    public int[] prompt(String... parts) {
        int[][] enc = new int[parts.length][];
        int n = bos >= 0 ? 1 : 0;
        for (int k = 0; k < parts.length; k++) {
            enc[k] = tokenizer.encode(parts[k]);
            n += enc[k].length;
        }
        int[] out = new int[n];
        int at = 0;
        if (bos >= 0) {
            out[at++] = bos;
        }
        for (int[] e : enc) {
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        return out;
    }

    /** The parts encoded alone and concatenated, without the beginning-of-sequence token. */
    public int[] continuation(String... parts) {
        int[] withBos = prompt(parts);
        return bos >= 0 ? Arrays.copyOfRange(withBos, 1, withBos.length) : withBos;
    }

    /** An answer's ids followed by the end-of-sequence token. */
    public int[] answer(String text) {
        int[] a = tokenizer.encode(text);
        if (a.length == 0) {
            throw new IllegalArgumentException("answer '" + text + "' encodes to no tokens");
        }
        if (eos < 0) {
            return a;
        }
        int[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = eos;
        return out;
    }

    public static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
