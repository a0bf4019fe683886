package org.tandemrec.crm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.cf.LightGcn;
import org.tandemrec.crm.ctr.PlattScaling;

/**
 * Model-specific settings of a {@link CrmSpec}, each null (or false) to keep the model's own
 * default. Which keys a model accepts is listed in {@link #APPLIES}; a key given for a model it
 * does not apply to is refused rather than silently ignored.
 *
 * @param negatives        sampled negatives per positive (mf-bce, gmf, mlp, neumf; > 0)
 * @param l2               L2 weight on the batch's embedding rows (mf-bpr, mf-bce, gmf, mlp, neumf,
 *                         lightgcn; >= 0)
 * @param pretrain         NeuMF initialised from separately trained GMF and MLP (He et al. 2017, §3.4.1)
 * @param maxLength        positions L of a sequential model (sasrec, gru4rec, bert4rec; > 0)
 * @param maskProbability  BERT4Rec's cloze masking proportion ρ, in (0, 1)
 * @param sizeAwareBatch   LightGCN: the batch size follows the number of training interactions
 *                         ({@link LightGcn#defaultBatchSize(int)}) instead of {@code batch_size};
 *                         on by default, off once {@code batch_size} is given
 * @param calibrate        click models (dcnv2, autoint, xdeepfm, fibinet): fit {@link PlattScaling}
 *                         on the validation CTR rows after training (default true; null: the default)
 * @param deepLayers       click models: hidden sizes of the DNN (each > 0; empty: none; for autoint
 *                         a non-empty list is the paper's AutoInt+)
 * @param cinLayers        xdeepfm: feature maps of each CIN layer (at least one, each > 0)
 */
public record ModelOptions(Integer negatives, Double l2, boolean pretrain, Integer maxLength, Double maskProbability,
                           boolean sizeAwareBatch, Boolean calibrate, List<Integer> deepLayers,
                           List<Integer> cinLayers) {
    /** Setting name → the models it applies to. */
    static final Map<String, List<String>> APPLIES = Map.of(
            "negatives", List.of("mf-bce", "gmf", "mlp", "neumf"),
            "l2", List.of("mf-bpr", "mf-bce", "gmf", "mlp", "neumf", "lightgcn"),
            "pretrain", List.of("neumf"),
            "max_length", List.of("sasrec", "gru4rec", "bert4rec"),
            "mask_probability", List.of("bert4rec"),
            "calibrate", List.of("dcnv2", "autoint", "xdeepfm", "fibinet"),
            "deep_layers", List.of("dcnv2", "autoint", "xdeepfm", "fibinet"),
            "cin_layers", List.of("xdeepfm"));

    public ModelOptions {
        if (negatives != null && negatives <= 0) {
            throw new UsageException("negatives must be > 0, got " + negatives);
        }
        if (l2 != null && (!(l2 >= 0) || Double.isInfinite(l2))) {
            throw new UsageException("l2 must be >= 0 and finite, got " + l2);
        }
        if (maxLength != null && maxLength <= 0) {
            throw new UsageException("max_length must be > 0, got " + maxLength);
        }
        if (maskProbability != null && !(maskProbability > 0 && maskProbability < 1)) {
            throw new UsageException("mask_probability must be in (0, 1), got " + maskProbability);
        }
        deepLayers = deepLayers == null ? null : sizes("deep_layers", deepLayers);
        cinLayers = cinLayers == null ? null : sizes("cin_layers", cinLayers);
        if (cinLayers != null && cinLayers.isEmpty()) {
            throw new UsageException("cin_layers must hold at least one size");
        }
    }

    private static List<Integer> sizes(String key, List<Integer> sizes) {
        for (int k = 0; k < sizes.size(); k++) {
            Integer v = sizes.get(k);
            if (v == null || v <= 0) {
                throw new UsageException(key + "[" + k + "] must be > 0, got " + v);
            }
        }
        return List.copyOf(sizes);
    }

    /** Every model default kept. */
    public static ModelOptions none() {
        return new ModelOptions(null, null, false, null, null, false, null, null, null);
    }

    /** Refuses settings that do not apply to {@code model}, naming the setting. */
    void checkFor(String model) {
        settings().keySet().forEach(key -> {
            if (!APPLIES.get(key).contains(model)) {
                throw new UsageException("setting '" + key + "' applies to " + APPLIES.get(key) + ", not to "
                        + model);
            }
        });
        if (sizeAwareBatch && !model.equals(LightGcn.KIND)) {
            throw new UsageException("a size-aware batch applies to lightgcn, not to " + model);
        }
    }

    /** The settings that are given, by their config key (for run records). */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (negatives != null) {
            m.put("negatives", negatives);
        }
        if (l2 != null) {
            m.put("l2", l2);
        }
        if (pretrain) {
            m.put("pretrain", true);
        }
        if (maxLength != null) {
            m.put("max_length", maxLength);
        }
        if (maskProbability != null) {
            m.put("mask_probability", maskProbability);
        }
        if (calibrate != null) {
            m.put("calibrate", calibrate);
        }
        if (deepLayers != null) {
            m.put("deep_layers", deepLayers);
        }
        if (cinLayers != null) {
            m.put("cin_layers", cinLayers);
        }
        return m;
    }

    ModelOptions withNegatives(int v) {
        return new ModelOptions(v, l2, pretrain, maxLength, maskProbability, sizeAwareBatch, calibrate, deepLayers,
                cinLayers);
    }

    ModelOptions withL2(double v) {
        return new ModelOptions(negatives, v, pretrain, maxLength, maskProbability, sizeAwareBatch, calibrate,
                deepLayers, cinLayers);
    }

    ModelOptions withPretrain(boolean v) {
        return new ModelOptions(negatives, l2, v, maxLength, maskProbability, sizeAwareBatch, calibrate, deepLayers,
                cinLayers);
    }

    ModelOptions withMaxLength(int v) {
        return new ModelOptions(negatives, l2, pretrain, v, maskProbability, sizeAwareBatch, calibrate, deepLayers,
                cinLayers);
    }

    ModelOptions withMaskProbability(double v) {
        return new ModelOptions(negatives, l2, pretrain, maxLength, v, sizeAwareBatch, calibrate, deepLayers,
                cinLayers);
    }

    ModelOptions withSizeAwareBatch(boolean v) {
        return new ModelOptions(negatives, l2, pretrain, maxLength, maskProbability, v, calibrate, deepLayers,
                cinLayers);
    }

    ModelOptions withCalibrate(boolean v) {
        return new ModelOptions(negatives, l2, pretrain, maxLength, maskProbability, sizeAwareBatch, v, deepLayers,
                cinLayers);
    }

    ModelOptions withDeepLayers(List<Integer> v) {
        return new ModelOptions(negatives, l2, pretrain, maxLength, maskProbability, sizeAwareBatch, calibrate, v,
                cinLayers);
    }

    ModelOptions withCinLayers(List<Integer> v) {
        return new ModelOptions(negatives, l2, pretrain, maxLength, maskProbability, sizeAwareBatch, calibrate,
                deepLayers, v);
    }

    List<Integer> deepLayersOr(List<Integer> fallback) {
        return deepLayers == null ? fallback : deepLayers;
    }

    List<Integer> cinLayersOr(List<Integer> fallback) {
        return cinLayers == null ? fallback : cinLayers;
    }

    boolean calibrateOr(boolean fallback) {
        return calibrate == null ? fallback : calibrate;
    }

    int negativesOr(int fallback) {
        return negatives == null ? fallback : negatives;
    }

    double l2Or(double fallback) {
        return l2 == null ? fallback : l2;
    }

    int maxLengthOr(int fallback) {
        return maxLength == null ? fallback : maxLength;
    }

    double maskProbabilityOr(double fallback) {
        return maskProbability == null ? fallback : maskProbability;
    }
}
