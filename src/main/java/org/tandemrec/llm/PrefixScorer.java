package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.KvCache;

/**
 * Several continuations of one prompt, with the prompt computed once: the prefix runs alone into
 * a {@link KvCache}, the cache is repeated for every continuation, and the continuations run as
 * one batch attending to it. A user's history prompt followed by 20 candidate items then costs
 * one prompt plus 20 short suffixes instead of 20 whole prompts. Inside the batch the suffixes
 * are padded on the left (padding masked, positions continuing from the prefix), so each row
 * computes exactly what the whole sequence prefix + suffix would alone.
 *
 * <p>What each continuation gives, as asked: the probabilities of a few candidate tokens after it
 * (softmax over their logits only), the final-normed top-layer hidden state at its last token
 * (the LLM feature a downstream model reads), and the log-likelihood of its own tokens given the
 * prefix (to rank continuations such as candidate titles).
 */
public final class PrefixScorer {
    /** What to compute for each continuation. */
    public record Request(int[] choice, boolean hidden, boolean likelihood) {
        public static Request choice(int... tokens) {
            return new Request(tokens, false, false);
        }

        public static Request hiddenState() {
            return new Request(null, true, false);
        }

        public static Request logLikelihood() {
            return new Request(null, false, true);
        }
    }

    /**
     * Per continuation: {@code choice} [k][C] (null unless asked), {@code hidden} [k][H] (null
     * unless asked), {@code logLikelihood} [k] (null unless asked).
     */
    public record Scores(float[][] choice, float[][] hidden, float[] logLikelihood) {
    }

    private final Decoder decoder;
    private final int padId;

    public PrefixScorer(Decoder decoder, int padId) {
        this.decoder = decoder;
        this.padId = padId;
    }

    public Scores score(NDManager manager, int[] prefix, List<int[]> suffixes, Request request) {
        if (prefix.length == 0) {
            throw new IllegalArgumentException("the prefix must have at least one token");
        }
        if (suffixes.isEmpty()) {
            throw new IllegalArgumentException("at least one continuation is needed");
        }
        int k = suffixes.size();
        int p = prefix.length;
        int t = 0;
        for (int i = 0; i < k; i++) {
            if (suffixes.get(i).length == 0) {
                throw new IllegalArgumentException("continuation " + i + " has no tokens");
            }
            t = Math.max(t, suffixes.get(i).length);
        }
        int[][] ids = new int[k][t];
        int[][] mask = new int[k][t];
        int[][] pos = new int[k][t];
        for (int i = 0; i < k; i++) {
            int[] s = suffixes.get(i);
            int pad = t - s.length;
            Arrays.fill(ids[i], 0, pad, padId);
            Arrays.fill(pos[i], 0, pad, p);
            System.arraycopy(s, 0, ids[i], pad, s.length);
            for (int j = pad; j < t; j++) {
                mask[i][j] = 1;
                pos[i][j] = p + j - pad;
            }
        }
        try (NDManager m = manager.newSubManager(); KvCache cache = new KvCache(m, decoder.config().numLayers())) {
            DecoderOutput head = decoder.forwardLastPosition(m, new int[][] {prefix}, new int[][] {Decoder.filled(p, 1)},
                    new int[][] {Decoder.range(p, 0)}, cache);
            cache.repeatRows(k);
            DecoderOutput o;
            if (request.likelihood()) {
                o = decoder.forward(m, ids, mask, pos, cache, request.hidden());
            } else if (request.hidden()) {
                o = decoder.forwardLastPositionWithHidden(m, ids, mask, pos, cache);
            } else {
                o = decoder.forwardLastPosition(m, ids, mask, pos, cache);
            }
            float[][] choice = null;
            if (request.choice() != null) {
                NDArray last = o.logits().get(new NDIndex(":, -1, :"));
                NDArray idx = m.create(Arrays.stream(request.choice()).asLongStream().toArray(), new Shape(request.choice().length));
                choice = rows(last.get(new NDIndex(":, {}", idx)).softmax(-1).toFloatArray(), k, request.choice().length);
            }
            float[][] hidden = null;
            if (request.hidden()) {
                NDArray h = o.lastHidden().get(new NDIndex(":, -1, :"));
                hidden = rows(h.toFloatArray(), k, decoder.config().hiddenSize());
            }
            float[] likelihood = null;
            if (request.likelihood()) {
                likelihood = logLikelihoods(head.logits().get(new NDIndex("0, -1, :")).logSoftmax(-1).toFloatArray(),
                        o.logits().logSoftmax(-1), suffixes, t);
            }
            return new Scores(choice, hidden, likelihood);
        }
    }

    /** Σ_j log p(s_j | prefix, s_<j): the first token from the prefix's last position, the rest from the batch. */
    private static float[] logLikelihoods(float[] afterPrefix, NDArray logp, List<int[]> suffixes, int t) {
        int v = afterPrefix.length;
        float[] flat = logp.toFloatArray();
        float[] out = new float[suffixes.size()];
        for (int i = 0; i < out.length; i++) {
            int[] s = suffixes.get(i);
            int pad = t - s.length;
            double sum = afterPrefix[s[0]];
            for (int j = 1; j < s.length; j++) {
                // the position of s[j-1] predicts s[j]
                sum += flat[(i * t + pad + j - 1) * v + s[j]];
            }
            out[i] = (float) sum;
        }
        return out;
    }

    private static float[][] rows(float[] flat, int k, int width) {
        float[][] out = new float[k][width];
        for (int i = 0; i < k; i++) {
            System.arraycopy(flat, i * width, out[i], 0, width);
        }
        return out;
    }
}
