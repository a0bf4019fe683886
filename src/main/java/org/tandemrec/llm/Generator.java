package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.KvCache;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.PaddedBatch;

/**
 * Autoregressive generation with a {@link KvCache}, for one sequence or a batch of them: the
 * prompt is run once, then one token per step. Greedy when {@code temperature == 0}; otherwise samples from the
 * temperature-scaled softmax restricted to the top-k tokens and the top-p nucleus, from a seeded
 * random stream. Stops after {@code maxNewTokens} or at any of the stop tokens (the model's
 * end-of-sequence ids: Llama-3-Instruct has several).
 */
public final class Generator {
    /**
     * Sampling settings; {@code topK == 0} and {@code topP == 1} disable those filters;
     * {@code stopTokenIds} end a row's output (included in it), e.g. {@link LlamaConfig#eosTokenIds()}.
     */
    public record Settings(int maxNewTokens, float temperature, int topK, float topP, long seed, Set<Integer> stopTokenIds) {
        /** Settings with one stop token ({@code eosId}; -1: none). */
        public Settings(int maxNewTokens, float temperature, int topK, float topP, long seed, int eosId) {
            this(maxNewTokens, temperature, topK, topP, seed, eosId < 0 ? Set.of() : Set.of(eosId));
        }

        public Settings {
            stopTokenIds = Set.copyOf(stopTokenIds);
            if (maxNewTokens <= 0) {
                throw new UsageException("maxNewTokens must be > 0, got " + maxNewTokens);
            }
            if (!(temperature >= 0)) {
                throw new UsageException("temperature must be >= 0, got " + temperature);
            }
            if (topK < 0) {
                throw new UsageException("topK must be >= 0, got " + topK);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new UsageException("topP must be in (0, 1], got " + topP);
            }
        }

        public static Settings greedy(int maxNewTokens, int eosId) {
            return new Settings(maxNewTokens, 0f, 0, 1f, 0L, eosId);
        }

        /** Greedy decoding that stops at any of the model's end-of-sequence ids. */
        public static Settings greedy(int maxNewTokens, LlamaConfig model) {
            return new Settings(maxNewTokens, 0f, 0, 1f, 0L, Set.copyOf(model.eosTokenIds()));
        }

        /** Whether {@code token} ends the output. */
        public boolean stops(int token) {
            return stopTokenIds.contains(token);
        }
    }

    private final Decoder decoder;

    public Generator(Decoder decoder) {
        this.decoder = decoder;
    }

    /** New token ids after {@code prompt} (the eos token, when produced, is included and ends the output). */
    public int[] generate(NDManager manager, int[] prompt, Settings s) {
        if (prompt.length == 0) {
            throw new UsageException("prompt must not be empty");
        }
        SplittableRandom rnd = new SplittableRandom(s.seed());
        int[] out = new int[s.maxNewTokens()];
        int n = 0;
        try (NDManager m = manager.newSubManager(); KvCache cache = new KvCache(m, decoder.config().numLayers())) {
            int[] step = prompt;
            int pos = 0;
            while (n < s.maxNewTokens()) {
                float[] logits;
                try (NDManager sm = m.newSubManager()) {
                    DecoderOutput o = decoder.forwardLastPosition(sm, new int[][] {step}, new int[][] {Decoder.filled(step.length, 1)},
                            new int[][] {Decoder.range(step.length, pos)}, cache);
                    NDArray last = o.logits().get(new NDIndex("0, -1, :"));
                    logits = last.toFloatArray();
                }
                pos += step.length;
                int next = s.temperature() == 0 ? argmax(logits) : sample(logits, s, rnd);
                out[n++] = next;
                if (s.stops(next)) {
                    break;
                }
                step = new int[] {next};
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Generation for several prompts at once: left-padded with {@code padId} ({@link PaddedBatch}),
     * one forward per step for the whole batch. Row i equals {@link #generate} of prompt i; each
     * row stops at its own eos (later steps still run for the others) and is drawn from its own
     * random stream {@code seed + i}.
     */
    public int[][] generateBatch(NDManager manager, int[][] prompts, Settings s, int padId) {
        PaddedBatch batch = PaddedBatch.leftPadded(prompts, padId);
        int b = batch.rows();
        int[][] ids = batch.ids();
        int[][] mask = batch.mask();
        int[][] pos = batch.positions();
        int[] next = new int[b];
        for (int i = 0; i < b; i++) {
            next[i] = prompts[i].length;
        }
        SplittableRandom[] rnd = new SplittableRandom[b];
        for (int i = 0; i < b; i++) {
            rnd[i] = new SplittableRandom(s.seed() + i);
        }
        int[][] out = new int[b][s.maxNewTokens()];
        int[] len = new int[b];
        boolean[] done = new boolean[b];
        int live = b;
        try (NDManager m = manager.newSubManager(); KvCache cache = new KvCache(m, decoder.config().numLayers())) {
            for (int step = 0; step < s.maxNewTokens() && live > 0; step++) {
                float[] flat;
                try (NDManager sm = m.newSubManager()) {
                    DecoderOutput o = decoder.forwardLastPosition(sm, ids, mask, pos, cache);
                    flat = o.logits().get(new NDIndex(":, -1, :")).toFloatArray();
                }
                int v = flat.length / b;
                ids = new int[b][1];
                mask = new int[b][1];
                pos = new int[b][1];
                for (int i = 0; i < b; i++) {
                    float[] logits = Arrays.copyOfRange(flat, i * v, (i + 1) * v);
                    int tok = s.temperature() == 0 ? argmax(logits) : sample(logits, s, rnd[i]);
                    if (!done[i]) {
                        out[i][len[i]++] = tok;
                        if (s.stops(tok)) {
                            done[i] = true;
                            live--;
                        }
                    }
                    ids[i][0] = tok;
                    mask[i][0] = 1;
                    pos[i][0] = next[i]++;
                }
            }
        }
        int[][] res = new int[b][];
        for (int i = 0; i < b; i++) {
            res[i] = Arrays.copyOf(out[i], len[i]);
        }
        return res;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static int sample(float[] logits, Settings s, SplittableRandom rnd) {
        int v = logits.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = s.topK() == 0 ? v : Math.min(s.topK(), v);
        double max = logits[order[0]] / s.temperature();
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / s.temperature() - max);
            sum += p[i];
        }
        double cum = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            cum += p[i] / sum;
            if (cum >= s.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < nucleus; i++) {
            total += p[i];
        }
        double u = rnd.nextDouble() * total;
        for (int i = 0; i < nucleus; i++) {
            u -= p[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }
}
