package org.tandemrec.crm;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tandemrec.train.Parameter;

/**
 * Initial weights of the models' parameters, each drawn from the caller's seeded stream in
 * row-major order, so a seed gives the same model. Shapes: n values, in × out weight matrices
 * (x · W maps in to out).
 */
public final class WeightInit {
    private WeightInit() {
    }

    /** n values from N(0, std²). */
    public static float[] normal(int n, double std, SplittableRandom random) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * std);
        }
        return a;
    }

    /** An in × out weight from N(0, 2/(in + out)): Glorot &amp; Bengio 2010, normal form. */
    public static Parameter glorotNormal(String name, int in, int out, SplittableRandom random) {
        return Parameter.dense(name, in, out, normal(in * out, Math.sqrt(2.0 / (in + out)), random));
    }

    /** in · out values from U(−a, a), a = √(6/(in + out)): Glorot &amp; Bengio 2010, uniform form. */
    public static float[] glorotUniform(int in, int out, SplittableRandom random) {
        double a = Math.sqrt(6.0 / (in + out));
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * a);
        }
        return w;
    }

    /** An in × out weight from N(0, 2/in), for layers followed by a ReLU (He et al. 2015). */
    public static Parameter heNormal(String name, int in, int out, SplittableRandom random) {
        return Parameter.dense(name, in, out, normal(in * out, Math.sqrt(2.0 / in), random));
    }

    /** A 1 × n vector of zeros (biases, layer-norm shifts). */
    public static Parameter zeros(String name, int n) {
        return Parameter.dense(name, 1, n, new float[n]);
    }

    /** A 1 × n vector of ones (layer-norm gains). */
    public static Parameter ones(String name, int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return Parameter.dense(name, 1, n, v);
    }
}
