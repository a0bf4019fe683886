package org.tandemrec.llm.decoder;

import java.util.Locale;

/**
 * Rotary position embedding settings: base θ and frequency scaling. Types: {@code default}
 * (inv_freq_i = θ^(-2i/d)), {@code linear} (inv_freq / factor) and {@code llama3} (Llama 3.1:
 * long wavelengths divided by factor, short kept, smooth blend between low_freq_factor and
 * high_freq_factor relative to original_max_position_embeddings).
 */
public record RopeScaling(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    public RopeScaling {
        type = type.toLowerCase(Locale.ROOT);
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope_type must be default, linear or llama3, got " + type);
        }
        if (!(theta > 0)) {
            throw new IllegalArgumentException("rope_theta must be > 0, got " + theta);
        }
        if (!type.equals("default") && !(factor > 0)) {
            throw new IllegalArgumentException("rope_scaling.factor must be > 0, got " + factor);
        }
        if (type.equals("llama3") && (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0)) {
            throw new IllegalArgumentException("llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor and "
                    + "original_max_position_embeddings > 0, got " + lowFreqFactor + ", " + highFreqFactor + ", " + originalMaxPositions);
        }
    }

    public static RopeScaling plain(double theta) {
        return new RopeScaling("default", theta, 1, 0, 0, 0);
    }

    /** Inverse frequencies for a head of dimension {@code headDim}: {@code headDim/2} values. */
    public float[] inverseFrequencies(int headDim) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // float32 as transformers computes it: 1 / theta ** (arange(0, d, 2).float() / d)
            double base = 1.0 / Math.pow(theta, (float) (2 * i) / (float) headDim);
            switch (type) {
                case "linear" -> base /= factor;
                case "llama3" -> {
                    double lowWavelen = originalMaxPositions / lowFreqFactor;
                    double highWavelen = originalMaxPositions / highFreqFactor;
                    double wavelen = 2 * Math.PI / base;
                    if (wavelen > lowWavelen) {
                        base /= factor;
                    } else if (wavelen >= highWavelen) {
                        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                        base = (1 - smooth) * base / factor + smooth * base;
                    }
                }
                default -> { }
            }
            inv[i] = (float) base;
        }
        return inv;
    }
}
