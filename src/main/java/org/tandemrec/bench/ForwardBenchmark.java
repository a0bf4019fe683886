package org.tandemrec.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.LlamaConfig;

/**
 * Prefill throughput: the decoder's full forward pass (no cache, logits at every position) over a
 * [batch, seqLen] batch of seeded random token ids, best of several timed repetitions after a
 * warm-up, with the matmul flops those passes do by an explicit count. Also the float32
 * matrix-multiply rate that {@link LlmBenchmark#peakGflops} takes the best of.
 */
public final class ForwardBenchmark {
    /** Measured figures: best forward time, forward tokens per second and counted GFLOP/s. */
    public record Result(int batch, int seqLen, long parameters, double forwardSeconds, double tokensPerSecond,
                         double forwardGflops) {
    }

    private ForwardBenchmark() {
    }

    /** Best-of-{@code reps} GFLOP/s of an n×n by n×n float32 product (2n³ flops). */
    public static double matmulGflops(NDManager manager, int n, int reps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0); // forces completion
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** Forward passes over a [batch, seqLen] batch of seeded random ids (no cache, logits only). */
    public static Result run(Decoder decoder, int batch, int seqLen, int reps, long seed, NDManager manager) {
        if (batch <= 0 || seqLen <= 0 || reps <= 0) {
            throw new UsageException("batch, seqLen and reps must be > 0, got " + batch + ", " + seqLen + ", " + reps);
        }
        LlamaConfig c = decoder.config();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] ids = new int[batch][seqLen];
        int[][] mask = new int[batch][seqLen];
        int[][] pos = new int[batch][seqLen];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < seqLen; j++) {
                ids[i][j] = rnd.nextInt(c.vocabSize());
                mask[i][j] = 1;
                pos[i][j] = j;
            }
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= reps; r++) {
            try (NDManager m = manager.newSubManager()) {
                long t0 = System.nanoTime();
                DecoderOutput o = decoder.forward(m, ids, mask, pos, null, false);
                o.logits().getFloat(0, 0, 0);
                double s = (System.nanoTime() - t0) / 1e9;
                if (r > 0) { // the first pass is a warm-up
                    best = Math.min(best, s);
                }
            }
        }
        long tokens = (long) batch * seqLen;
        double flops = tokens * forwardFlopsPerToken(c, seqLen);
        return new Result(batch, seqLen, c.parameterCount(), best, tokens / best, flops / best / 1e9);
    }

    /**
     * Flops per token of a forward pass over {@code seqLen} tokens, two per multiply-add: every
     * projection and the LM head (the embedding lookup is no matmul), plus the attention products
     * q·kᵀ and p·v, counted over all {@code seqLen} keys as the kernels compute them (the causal
     * mask only sets the probabilities of later keys to zero). Norms, RoPE and softmax are left out.
     */
    static double forwardFlopsPerToken(LlamaConfig c, int seqLen) {
        long h = c.hiddenSize();
        long perLayer = h * c.queryDim() + 2L * h * c.kvDim() + (long) c.queryDim() * h + 3L * h * c.intermediateSize();
        double weights = c.numLayers() * perLayer + (double) c.vocabSize() * h;
        double attention = c.numLayers() * 2.0 * seqLen * c.queryDim();
        return 2 * (weights + attention);
    }
}
