package org.tandemrec.crm.cf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * The network of GMF, MLP and NeuMF (He et al., WWW 2017, §3.2–3.4): its parameters by name
 * ({@code gmf_user}, {@code gmf_item}, {@code mlp_user}, {@code mlp_item}, {@code mlp_w<l>},
 * {@code mlp_b<l>}, {@code head_w}, {@code head_b}) and the forward pass of one (user, item)
 * pair in plain Java, whose activations the training task reuses for the backward pass.
 * Shapes: d GMF size, m_0 MLP input (each MLP embedding m_0/2), m_l layer widths.
 */
final class NcfNetwork {
    private NcfNetwork() {
    }

    /** The parameters' live values by name. */
    static Map<String, float[]> live(ParameterSet params) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Parameter p : params.list()) {
            m.put(p.name(), p.value());
        }
        return m;
    }

    /**
     * Fresh parameters from {@code seed}: embeddings from N(0, initStd²), layers Glorot-uniform,
     * biases zero (also the shapes a model file is read against).
     */
    static ParameterSet initialParameters(NcfConfig c, int nu, int ni, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> ps = new ArrayList<>();
        int headIn = 0;
        if (c.hasGmf()) {
            ps.add(Parameter.table("gmf_user", nu, c.gmfDim(), WeightInit.normal(nu * c.gmfDim(), c.initStd(), r)));
            ps.add(Parameter.table("gmf_item", ni, c.gmfDim(), WeightInit.normal(ni * c.gmfDim(), c.initStd(), r)));
            headIn += c.gmfDim();
        }
        if (c.hasMlp()) {
            List<Integer> w = c.mlpLayers();
            int half = w.get(0) / 2;
            ps.add(Parameter.table("mlp_user", nu, half, WeightInit.normal(nu * half, c.initStd(), r)));
            ps.add(Parameter.table("mlp_item", ni, half, WeightInit.normal(ni * half, c.initStd(), r)));
            for (int l = 0; l + 1 < w.size(); l++) {
                ps.add(Parameter.dense("mlp_w" + l, w.get(l + 1), w.get(l), WeightInit.glorotUniform(w.get(l), w.get(l + 1), r)));
                ps.add(WeightInit.zeros("mlp_b" + l, w.get(l + 1)));
            }
            headIn += w.get(w.size() - 1);
        }
        ps.add(Parameter.dense("head_w", 1, headIn, WeightInit.glorotUniform(headIn, 1, r)));
        ps.add(WeightInit.zeros("head_b", 1));
        return new ParameterSet(ps);
    }

    /** Per-example activations: the forward pass of one (u, i) pair, kept for the backward pass. */
    static final class Pass {
        final float[] gmf;
        final float[][] act;
        final float[] head;
        float logit;

        Pass(NcfConfig c) {
            gmf = new float[c.hasGmf() ? c.gmfDim() : 0];
            List<Integer> w = c.mlpLayers();
            act = new float[c.hasMlp() ? w.size() : 0][];
            for (int l = 0; l < act.length; l++) {
                act[l] = new float[w.get(l)];
            }
            head = new float[(c.hasGmf() ? c.gmfDim() : 0) + (c.hasMlp() ? w.get(w.size() - 1) : 0)];
        }
    }

    /** Fills {@code s} with the activations and logit of the pair (u, i) under weights {@code p}. */
    static void forward(NcfConfig c, Map<String, float[]> p, int u, int i, Pass s) {
        int h = 0;
        if (c.hasGmf()) {
            int d = c.gmfDim();
            float[] pu = p.get("gmf_user");
            float[] qi = p.get("gmf_item");
            for (int k = 0; k < d; k++) {
                s.gmf[k] = pu[u * d + k] * qi[i * d + k];
                s.head[h++] = s.gmf[k];
            }
        }
        if (c.hasMlp()) {
            List<Integer> w = c.mlpLayers();
            int half = w.get(0) / 2;
            System.arraycopy(p.get("mlp_user"), u * half, s.act[0], 0, half);
            System.arraycopy(p.get("mlp_item"), i * half, s.act[0], half, half);
            for (int l = 0; l + 1 < w.size(); l++) {
                float[] wl = p.get("mlp_w" + l);
                float[] bl = p.get("mlp_b" + l);
                float[] in = s.act[l];
                float[] out = s.act[l + 1];
                int nin = in.length;
                for (int o = 0; o < out.length; o++) {
                    float z = bl[o];
                    for (int k = 0, base = o * nin; k < nin; k++) {
                        z += wl[base + k] * in[k];
                    }
                    out[o] = z > 0 ? z : 0;
                }
            }
            float[] last = s.act[s.act.length - 1];
            System.arraycopy(last, 0, s.head, h, last.length);
        }
        float[] hw = p.get("head_w");
        float z = p.get("head_b")[0];
        for (int k = 0; k < s.head.length; k++) {
            z += hw[k] * s.head[k];
        }
        s.logit = z;
    }
}
