package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * The SiLU-gated feed-forward of a Llama block (SwiGLU, Shazeer 2020), as transformers'
 * {@code LlamaMLP}: down(silu(gate(h)) · up(h)), [B, T, H] → [B, T, I] → [B, T, H].
 */
final class GatedMlp {
    private final Projections projections;

    GatedMlp(Projections projections) {
        this.projections = projections;
    }

    /**
     * {@code x} plus the MLP of the normed {@code h} (both [B, T, H]; tensor names under
     * {@code p}); with {@code inPlace} the sum is written into the MLP's fresh output.
     */
    NDArray residual(NDManager m, String p, NDArray h, NDArray x, boolean inPlace) {
        // gate and up read the same input: one matmul against [gate; up] instead of two.
        NDList gateUp = projections.fused(m, h, p, "gate_proj", "up_proj").split(2, 2);
        NDArray gate = projections.withLora(gateUp.get(0), h, p + "gate_proj");
        NDArray up = projections.withLora(gateUp.get(1), h, p + "up_proj");
        if (inPlace) {
            NDArray act = Activation.sigmoid(gate).muli(gate).muli(up);
            return projections.proj(act, p + "down_proj").addi(x);
        }
        return x.add(projections.proj(gate.mul(Activation.sigmoid(gate)).mul(up), p + "down_proj"));
    }
}
