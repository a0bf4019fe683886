package org.tandemrec.crm;

import static org.tandemrec.base.SettingsFile.booleanValue;
import static org.tandemrec.base.SettingsFile.doubleValue;
import static org.tandemrec.base.SettingsFile.intValue;
import static org.tandemrec.base.SettingsFile.longValue;
import static org.tandemrec.base.SettingsFile.textValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.cf.LightGcn;
import org.tandemrec.train.TrainConfig;

/**
 * What to train: a model name from {@link CrmCatalog#MODELS}, its embedding size and the
 * training settings. Defaults per model live in {@link #defaults(String)}; a config file (YAML or
 * JSON) overrides single keys, and an unknown key or value is refused by name.
 *
 * <pre>{@code
 * dim: 64              # embedding size (click models: per field)
 * epochs: 20
 * batch_size: 1024
 * learning_rate: 0.005
 * weight_decay: 0
 * optimizer: lazy-adam # adam | adamw | lazy-adam
 * schedule: constant   # constant | warmup-linear | cosine
 * warmup_steps: 0
 * clip_norm: 0         # 0: no clipping
 * patience: 3          # early stopping on the validation metric; 0: off
 * checkpoint_every: 0  # steps; 0: at epoch ends only
 * seed: 42
 * # model-specific ({@link ModelOptions}; refused for models they do not apply to):
 * negatives: 4         # mf-bce, gmf, mlp, neumf
 * l2: 0.0001           # mf-bpr, mf-bce, gmf, mlp, neumf, lightgcn
 * pretrain: true       # neumf: start from trained GMF and MLP
 * max_length: 50       # sasrec, gru4rec, bert4rec
 * mask_probability: 0.4  # bert4rec
 * calibrate: true      # dcnv2, autoint, xdeepfm, fibinet
 * deep_layers: [256, 128]  # dcnv2, autoint (non-empty: AutoInt+), xdeepfm, fibinet
 * cin_layers: [200, 200, 200]  # xdeepfm
 * }</pre>
 *
 * <p>LightGCN's batch size grows with the training data unless {@code batch_size} is given:
 * see {@link LightGcn#defaultBatchSize(int)} and {@link #forTrainingRows(int)}.
 *
 * @param model model name
 * @param dim embedding size, up to the LLM's hidden size for BDLM's pre-loaded ID tokens
 * @param train training settings
 * @param options model-specific settings
 */
public record CrmSpec(String model, int dim, TrainConfig train, ModelOptions options) {
    private static final Set<String> KEYS = Set.of("dim", "epochs", "batch_size", "learning_rate", "weight_decay",
            "optimizer", "schedule", "warmup_steps", "clip_norm", "patience", "checkpoint_every", "seed", "threads",
            "negatives", "l2", "pretrain", "max_length", "mask_probability", "calibrate", "deep_layers", "cin_layers");

    public CrmSpec {
        if (model == null || !CrmCatalog.MODELS.contains(model)) {
            throw new UsageException("model must be one of " + CrmCatalog.MODELS + ", got '" + model + "'");
        }
        if (dim <= 0 || dim > 8192) {
            throw new UsageException("dim must be in [1, 8192], got " + dim);
        }
        if (train == null) {
            throw new UsageException("train settings must be given");
        }
        if (options == null) {
            throw new UsageException("options must be given (ModelOptions.none() for the defaults)");
        }
        options.checkFor(model);
    }

    /**
     * This spec with the rules that depend on the data applied: LightGCN's size-aware batch
     * ({@link LightGcn#defaultBatchSize(int)}) becomes a fixed batch size.
     */
    public CrmSpec forTrainingRows(int rows) {
        if (!options.sizeAwareBatch()) {
            return this;
        }
        return new CrmSpec(model, dim, train.toBuilder().batchSize(LightGcn.defaultBatchSize(rows)).build(),
                options.withSizeAwareBatch(false));
    }

    /**
     * The settings each model trains well with on the demo's synthetic world and ml-100k (the
     * NCF family and BERT4Rec tuned on ml-100k's leave-one-out validation HR@10).
     */
    public static CrmSpec defaults(String model) {
        String m = model == null ? null : model.toLowerCase(Locale.ROOT);
        if (m == null || !CrmCatalog.MODELS.contains(m)) {
            throw new UsageException("model must be one of " + CrmCatalog.MODELS + ", got '" + model + "'");
        }
        TrainConfig.Builder b = TrainConfig.builder().optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).seed(42)
                .patience(3);
        int dim = 64;
        ModelOptions options = ModelOptions.none();
        switch (m) {
            case "mf-bpr" -> b.epochs(30).batchSize(1024).learningRate(0.005);
            case "mf-bce" -> b.epochs(20).batchSize(1024).learningRate(0.005);
            // NCF family: tuned on ml-100k leave-one-out validation HR@10 (99 uniform negatives).
            case "gmf" -> {
                b.epochs(60).batchSize(1024).learningRate(0.002);
                dim = 32;
            }
            case "mlp" -> b.epochs(60).batchSize(1024).learningRate(0.005);
            case "neumf" -> {
                b.epochs(60).batchSize(1024).learningRate(0.005);
                dim = 16;
            }
            case "lightgcn" -> {
                // 4096 is the floor of the size-aware rule, used as is only when the rule is off.
                b.epochs(30).batchSize(LightGcn.MIN_DEFAULT_BATCH).learningRate(0.01);
                options = options.withSizeAwareBatch(true);
            }
            case "dcnv2", "autoint", "xdeepfm", "fibinet" -> {
                b.epochs(8).batchSize(2048).learningRate(0.002);
                dim = 16;
            }
            // Few sequences per epoch (one per user): these need many epochs (SASRec trains for hundreds).
            case "sasrec", "gru4rec" -> b.epochs(150).batchSize(128).learningRate(0.002).patience(10);
            case "bert4rec" -> b.epochs(150).batchSize(128).learningRate(0.005).patience(10);
            default -> b.epochs(1).batchSize(1024).learningRate(0.001);
        }
        return new CrmSpec(m, dim, b.build(), options);
    }

    /** The defaults of {@code model} with the keys of a YAML/JSON file applied. */
    public static CrmSpec load(String model, Path file) throws IOException {
        CrmSpec base = defaults(model);
        if (file == null) {
            return base;
        }
        ObjectNode root = SettingsFile.read(file);
        return base.with(file.toString(), root);
    }

    /** A list of layer sizes, e.g. {@code [256, 128]} ({@code []}: none). */
    private static List<Integer> sizes(JsonNode v, String key) {
        if (!v.isArray()) {
            throw new UsageException(key + " must be a list of sizes, e.g. [256, 128], got " + v);
        }
        List<Integer> out = new java.util.ArrayList<>();
        for (JsonNode e : v) {
            out.add(intValue(e, key));
        }
        return out;
    }

    /** These settings with the given keys replaced ({@code where} names the source in errors). */
    public CrmSpec with(String where, JsonNode settings) {
        TrainConfig.Builder b = train.toBuilder();
        int d = dim;
        ModelOptions o = options;
        Iterator<Map.Entry<String, JsonNode>> it = settings.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (!KEYS.contains(key)) {
                throw new UsageException(where + ": unknown setting '" + key + "' (known: "
                        + List.copyOf(new java.util.TreeSet<>(KEYS)) + ")");
            }
            try {
                switch (key) {
                    case "dim" -> d = intValue(v, key);
                    case "epochs" -> b.epochs(intValue(v, key));
                    case "batch_size" -> {
                        b.batchSize(intValue(v, key));
                        o = o.withSizeAwareBatch(false);
                    }
                    case "learning_rate" -> b.learningRate(doubleValue(v, key));
                    case "weight_decay" -> b.weightDecay(doubleValue(v, key));
                    case "optimizer" -> b.optimizer(TrainConfig.OptimizerKind.parse(textValue(v, key)));
                    case "schedule" -> b.schedule(TrainConfig.ScheduleKind.parse(textValue(v, key)));
                    case "warmup_steps" -> b.warmupSteps(intValue(v, key));
                    case "clip_norm" -> b.clipNorm(doubleValue(v, key));
                    case "patience" -> b.patience(intValue(v, key));
                    case "checkpoint_every" -> b.checkpointEvery(intValue(v, key));
                    case "seed" -> b.seed(longValue(v, key));
                    case "threads" -> b.threads(intValue(v, key));
                    case "negatives" -> o = o.withNegatives(intValue(v, key));
                    case "l2" -> o = o.withL2(doubleValue(v, key));
                    case "pretrain" -> o = o.withPretrain(booleanValue(v, key));
                    case "calibrate" -> o = o.withCalibrate(booleanValue(v, key));
                    case "max_length" -> o = o.withMaxLength(intValue(v, key));
                    case "mask_probability" -> o = o.withMaskProbability(doubleValue(v, key));
                    case "deep_layers" -> o = o.withDeepLayers(sizes(v, key));
                    case "cin_layers" -> o = o.withCinLayers(sizes(v, key));
                    default -> throw new IllegalStateException(key);
                }
            } catch (IllegalArgumentException ex) {
                throw new UsageException(where + ": setting '" + key + "': " + ex.getMessage(), ex);
            }
        }
        try {
            return new CrmSpec(model, d, b.build(), o);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(where + ": " + ex.getMessage(), ex);
        }
    }
}
