package org.tandemrec.crm.cf;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.RowMajor;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.UserItems;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainingTask;

/**
 * NCF's training (He et al. 2017, §3.1.1, §4.1): binary cross-entropy of σ(logit) on each
 * positive and {@code negatives} uniformly sampled unseen items, plus L2 on the pair's
 * embedding rows; forward and backward per pair in plain Java (the towers are small: a few
 * thousand multiply-adds per pair), so the id tables stay row-sparse for lazy Adam.
 */
final class NcfTrainingTask implements TrainingTask {
    private final NcfConfig config;
    private final UserItems index;
    private final int[] users;
    private final int[] items;
    private final ParameterSet params;
    private final Map<String, float[]> values;
    private final String start;

    NcfTrainingTask(NcfConfig config, UserItems index, InteractionTable train, ParameterSet params, String start) {
        this.start = start;
        this.config = config;
        this.index = index;
        this.users = train.userColumn();
        this.items = train.itemColumn();
        this.params = params;
        this.values = NcfNetwork.live(params);
    }

    @Override public String modelName() { return Ncf.KIND; }
    @Override public String configFingerprint() {
        return config + " " + start + " users=" + index.numUsers() + " items=" + index.numItems() + " n=" + users.length;
    }
    @Override public ParameterSet parameters() { return params; }
    @Override public int numExamples() { return users.length; }

    @Override
    public double trainBatch(int[] batch, long step, SplittableRandom random) {
        int per = 1 + config.negatives();
        float inv = 1f / (batch.length * per);
        NcfNetwork.Pass s = new NcfNetwork.Pass(config);
        float[][] delta = new float[s.act.length][];
        for (int l = 0; l < s.act.length; l++) {
            delta[l] = new float[s.act[l].length];
        }
        float[] gmfGrad = new float[s.gmf.length];
        double loss = 0;
        for (int k : batch) {
            int u = users[k];
            for (int t = 0; t < per; t++) {
                int i = t == 0 ? items[k] : index.sampleNegative(u, random);
                float y = t == 0 ? 1f : 0f;
                NcfNetwork.forward(config, values, u, i, s);
                loss += Logistic.softplus(s.logit) - y * s.logit + 0.5 * config.l2() * squaredEmbeddings(u, i);
                backward(u, i, (Logistic.sigmoid(s.logit) - y) * inv, s, delta, gmfGrad, inv);
            }
        }
        return loss * inv;
    }

    /** ‖p^G_u‖² + ‖q^G_i‖² + ‖p^M_u‖² + ‖q^M_i‖²: the L2 term whose gradient backward() adds. */
    private double squaredEmbeddings(int u, int i) {
        if (config.l2() == 0) {
            return 0;
        }
        double s = 0;
        if (config.hasGmf()) {
            int d = config.gmfDim();
            s += RowMajor.dot(values.get("gmf_user"), u * d, values.get("gmf_user"), u * d, d);
            s += RowMajor.dot(values.get("gmf_item"), i * d, values.get("gmf_item"), i * d, d);
        }
        if (config.hasMlp()) {
            int m = config.mlpLayers().get(0) / 2;
            s += RowMajor.dot(values.get("mlp_user"), u * m, values.get("mlp_user"), u * m, m);
            s += RowMajor.dot(values.get("mlp_item"), i * m, values.get("mlp_item"), i * m, m);
        }
        return s;
    }

    private void backward(int u, int i, float g, NcfNetwork.Pass s, float[][] delta, float[] gmfGrad, float inv) {
        float[] hw = values.get("head_w");
        float[] hwGrad = params.get("head_w").grad();
        for (int k = 0; k < s.head.length; k++) {
            hwGrad[k] += g * s.head[k];
        }
        params.get("head_b").grad()[0] += g;
        int h = 0;
        float l2 = (float) config.l2() * inv;
        if (config.hasGmf()) {
            int d = config.gmfDim();
            float[] pu = values.get("gmf_user");
            float[] qi = values.get("gmf_item");
            for (int k = 0; k < d; k++) {
                gmfGrad[k] = g * hw[h++];
            }
            Parameter pp = params.get("gmf_user");
            Parameter qp = params.get("gmf_item");
            int ou = pp.gradSlot(u);
            float[] gu = pp.slotGrad();
            for (int k = 0; k < d; k++) {
                gu[ou + k] += gmfGrad[k] * qi[i * d + k] + l2 * pu[u * d + k];
            }
            int oi = qp.gradSlot(i);
            float[] gi = qp.slotGrad();
            for (int k = 0; k < d; k++) {
                gi[oi + k] += gmfGrad[k] * pu[u * d + k] + l2 * qi[i * d + k];
            }
        }
        if (config.hasMlp()) {
            List<Integer> w = config.mlpLayers();
            int layers = w.size() - 1;
            float[] top = delta[layers];
            for (int k = 0; k < top.length; k++) {
                top[k] = g * hw[h + k];
            }
            for (int l = layers - 1; l >= 0; l--) {
                float[] out = s.act[l + 1];
                float[] in = s.act[l];
                float[] dOut = delta[l + 1];
                float[] dIn = delta[l];
                java.util.Arrays.fill(dIn, 0f);
                float[] wl = values.get("mlp_w" + l);
                float[] wGrad = params.get("mlp_w" + l).grad();
                float[] bGrad = params.get("mlp_b" + l).grad();
                int nin = in.length;
                for (int o = 0; o < out.length; o++) {
                    if (out[o] <= 0) {
                        continue; // ReLU gate (its output is 0 exactly when the pre-activation is <= 0)
                    }
                    float dz = dOut[o];
                    bGrad[o] += dz;
                    for (int k = 0, base = o * nin; k < nin; k++) {
                        wGrad[base + k] += dz * in[k];
                        dIn[k] += dz * wl[base + k];
                    }
                }
            }
            int half = w.get(0) / 2;
            float[] mu = values.get("mlp_user");
            float[] mi = values.get("mlp_item");
            Parameter up = params.get("mlp_user");
            Parameter ip = params.get("mlp_item");
            int ou = up.gradSlot(u);
            float[] gu = up.slotGrad();
            for (int k = 0; k < half; k++) {
                gu[ou + k] += delta[0][k] + l2 * mu[u * half + k];
            }
            int oi = ip.gradSlot(i);
            float[] gi = ip.slotGrad();
            for (int k = 0; k < half; k++) {
                gi[oi + k] += delta[0][half + k] + l2 * mi[i * half + k];
            }
        }
    }
}
