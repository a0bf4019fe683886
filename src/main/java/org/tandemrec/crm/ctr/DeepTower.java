package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * The deep network of the CTR models: a ReLU MLP h_{k+1} = ReLU(h_k W_k + b_k), parameters
 * {@code prefix_k_w} (in × out, He-normal) and {@code prefix_k_b} (1 × out, zero). Shapes: B
 * batch, widths as given.
 */
final class DeepTower {
    private DeepTower() {
    }

    /** Adds the layers' parameters for an input of width {@code in}; returns the output width ({@code in} without layers). */
    static int addLayers(List<Parameter> ps, String prefix, int in, List<Integer> sizes, SplittableRandom r) {
        int width = in;
        for (int k = 0; k < sizes.size(); k++) {
            int out = sizes.get(k);
            ps.add(WeightInit.heNormal(prefix + "_" + k + "_w", width, out, r));
            ps.add(WeightInit.zeros(prefix + "_" + k + "_b", out));
            width = out;
        }
        return width;
    }

    /** The MLP's output for x (B × in): B × the last layer's width, or x itself without layers. */
    static NDArray forward(AutogradStep s, ParameterSet p, String prefix, int layers, NDArray x) {
        NDArray h = x;
        for (int k = 0; k < layers; k++) {
            h = TensorFunctions.relu(TensorFunctions.linear(h, s.dense(p.get(prefix + "_" + k + "_w")),
                    s.dense(p.get(prefix + "_" + k + "_b"))));
        }
        return h;
    }
}
