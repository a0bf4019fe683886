package org.tandemrec.llm.sft;

import static org.tandemrec.base.SettingsFile.doubleValue;
import static org.tandemrec.base.SettingsFile.intValue;
import static org.tandemrec.base.SettingsFile.longValue;
import static org.tandemrec.base.SettingsFile.textValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.train.TrainConfig;

/**
 * Settings of supervised fine-tuning, named as in a settings file (YAML or JSON; defaults only
 * in {@link #builder()}):
 * <pre>{@code
 * mode: lora                # lora | full (every weight; small models)
 * lora_rank: 8              # LoRA r
 * lora_alpha: 16            # the update is scaled by alpha / r
 * lora_dropout: 0.05        # on the adapter's input while training
 * lora_targets: [q_proj, v_proj]
 * id_token_rows_from: -1    # lora: embedding (and LM-head) rows from this id on train too; -1: none
 * epochs: 1
 * batch_size: 8             # rows per forward pass (micro-batch)
 * grad_accumulation: 1      # micro-batches per optimiser step
 * learning_rate: 0.0002     # peak AdamW rate (β 0.9/0.999, ε 1e-8)
 * weight_decay: 0           # decoupled (AdamW)
 * warmup_steps: 10          # linear warm-up, then cosine decay to 0 at the last step
 * clip_norm: 1.0            # global gradient-norm bound; 0: off
 * max_length: 512           # tokens per example; longer prompts lose their beginning
 * patience: 0               # early stopping on the validation loss (needs validation data); 0: off
 * checkpoint_every: 100     # optimiser steps between checkpoints (and at every epoch end); 0: epoch ends only
 * seed: 42                  # shuffling, LoRA initialisation, dropout
 * }</pre>
 * An optimiser step sees {@code batch_size · grad_accumulation} examples.
 */
public record SftConfig(Mode mode, int loraRank, double loraAlpha, double loraDropout, List<String> loraTargets,
                        int idTokenRowsFrom, int epochs, int batchSize, int gradAccumulation, double learningRate,
                        double weightDecay, int warmupSteps, double clipNorm, int maxLength, int patience,
                        int checkpointEvery, long seed) {

    /** What trains. */
    public enum Mode {
        /** A LoRA adapter on a frozen base (optionally with the ID-token rows). */
        LORA,
        /** Every weight of the model. */
        FULL;

        /** Parses {@code lora} or {@code full}. */
        public static Mode parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "lora" -> LORA;
                case "full" -> FULL;
                default -> throw new UsageException("mode must be lora or full, got " + text);
            };
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Set<String> KEYS = Set.of("mode", "lora_rank", "lora_alpha", "lora_dropout", "lora_targets",
            "id_token_rows_from", "epochs", "batch_size", "grad_accumulation", "learning_rate", "weight_decay",
            "warmup_steps", "clip_norm", "max_length", "patience", "checkpoint_every", "seed");

    public SftConfig {
        if (mode == null) {
            throw new UsageException("mode must be lora or full");
        }
        // The LoRA settings are checked by LoraConfig's own rules, under their file names.
        try {
            new LoraConfig(loraRank, loraAlpha, loraDropout, loraTargets, "");
        } catch (IllegalArgumentException e) {
            throw new UsageException("lora_" + e.getMessage().replace("targetModules", "targets"), e);
        }
        loraTargets = List.copyOf(loraTargets);
        if (idTokenRowsFrom < -1) {
            throw new UsageException("id_token_rows_from must be >= 0, or -1 for none, got " + idTokenRowsFrom);
        }
        if (mode == Mode.FULL && idTokenRowsFrom >= 0) {
            throw new UsageException("id_token_rows_from applies to mode lora (mode full trains every row), got "
                    + idTokenRowsFrom);
        }
        positive("epochs", epochs);
        positive("batch_size", batchSize);
        positive("grad_accumulation", gradAccumulation);
        if ((long) batchSize * gradAccumulation > Integer.MAX_VALUE) {
            throw new UsageException("batch_size * grad_accumulation is too large: " + batchSize + " * " + gradAccumulation);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new UsageException("learning_rate must be > 0 and finite, got " + learningRate);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new UsageException("weight_decay must be >= 0 and finite, got " + weightDecay);
        }
        if (warmupSteps < 0) {
            throw new UsageException("warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new UsageException("clip_norm must be >= 0 and finite (0: off), got " + clipNorm);
        }
        if (maxLength < 2) {
            throw new UsageException("max_length must be >= 2, got " + maxLength);
        }
        if (patience < 0) {
            throw new UsageException("patience must be >= 0 (0: off), got " + patience);
        }
        if (checkpointEvery < 0) {
            throw new UsageException("checkpoint_every must be >= 0 (0: epoch ends only), got " + checkpointEvery);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new UsageException(key + " must be > 0, got " + v);
        }
    }

    /** The adapter settings, recording {@code baseModel} as PEFT's {@code base_model_name_or_path}. */
    public LoraConfig loraConfig(String baseModel) {
        return new LoraConfig(loraRank, loraAlpha, loraDropout, loraTargets, baseModel);
    }

    /** Examples per optimiser step. */
    public int examplesPerStep() {
        return batchSize * gradAccumulation;
    }

    /**
     * The shared trainer's settings: AdamW (PyTorch's defaults β 0.9/0.999, ε 1e-8), warm-up then
     * cosine, the validation loss minimised.
     */
    public TrainConfig trainConfig() {
        return TrainConfig.builder().epochs(epochs).batchSize(examplesPerStep()).learningRate(learningRate)
                .weightDecay(weightDecay).optimizer(TrainConfig.OptimizerKind.ADAMW).betas(0.9, 0.999).epsilon(1e-8)
                .schedule(TrainConfig.ScheduleKind.COSINE).warmupSteps(warmupSteps).clipNorm(clipNorm)
                .patience(patience).metricDirection(TrainConfig.MetricDirection.MINIMIZE)
                .checkpointEvery(checkpointEvery).seed(seed).threads(1).build();
    }

    /** Every setting under its file key (for run records). */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("mode", mode.key());
        o.put("lora_rank", loraRank);
        o.put("lora_alpha", loraAlpha);
        o.put("lora_dropout", loraDropout);
        ArrayNode t = o.putArray("lora_targets");
        loraTargets.forEach(t::add);
        o.put("id_token_rows_from", idTokenRowsFrom);
        o.put("epochs", epochs);
        o.put("batch_size", batchSize);
        o.put("grad_accumulation", gradAccumulation);
        o.put("learning_rate", learningRate);
        o.put("weight_decay", weightDecay);
        o.put("warmup_steps", warmupSteps);
        o.put("clip_norm", clipNorm);
        o.put("max_length", maxLength);
        o.put("patience", patience);
        o.put("checkpoint_every", checkpointEvery);
        o.put("seed", seed);
        return o;
    }

    /** The defaults with the keys of a YAML/JSON file applied; {@code file} null: the defaults. */
    public static SftConfig load(Path file) throws IOException {
        SftConfig base = builder().build();
        if (file == null) {
            return base;
        }
        ObjectNode root = SettingsFile.read(file);
        return base.with(file.toString(), root);
    }

    /** These settings with the given keys replaced ({@code where} names the source in errors). */
    public SftConfig with(String where, JsonNode settings) {
        Builder b = toBuilder();
        for (Map.Entry<String, JsonNode> e : settings.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (!KEYS.contains(key)) {
                throw new UsageException(where + ": unknown setting '" + key + "' (known: " + new TreeSet<>(KEYS) + ")");
            }
            try {
                switch (key) {
                    case "mode" -> b.mode(Mode.parse(textValue(v, key)));
                    case "lora_rank" -> b.loraRank(intValue(v, key));
                    case "lora_alpha" -> b.loraAlpha(doubleValue(v, key));
                    case "lora_dropout" -> b.loraDropout(doubleValue(v, key));
                    case "lora_targets" -> b.loraTargets(targets(v, key));
                    case "id_token_rows_from" -> b.idTokenRowsFrom(intValue(v, key));
                    case "epochs" -> b.epochs(intValue(v, key));
                    case "batch_size" -> b.batchSize(intValue(v, key));
                    case "grad_accumulation" -> b.gradAccumulation(intValue(v, key));
                    case "learning_rate" -> b.learningRate(doubleValue(v, key));
                    case "weight_decay" -> b.weightDecay(doubleValue(v, key));
                    case "warmup_steps" -> b.warmupSteps(intValue(v, key));
                    case "clip_norm" -> b.clipNorm(doubleValue(v, key));
                    case "max_length" -> b.maxLength(intValue(v, key));
                    case "patience" -> b.patience(intValue(v, key));
                    case "checkpoint_every" -> b.checkpointEvery(intValue(v, key));
                    case "seed" -> b.seed(longValue(v, key));
                    default -> throw new IllegalStateException(key);
                }
            } catch (IllegalArgumentException ex) {
                throw new UsageException(where + ": setting '" + key + "': " + ex.getMessage(), ex);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException ex) {
            throw new UsageException(where + ": " + ex.getMessage(), ex);
        }
    }

    /** A list of module names, or one comma-separated string. */
    private static List<String> targets(JsonNode v, String key) {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            for (String s : v.asText().split(",")) {
                out.add(s.strip());
            }
        } else if (v.isArray()) {
            for (JsonNode t : v) {
                out.add(textValue(t, key));
            }
        } else {
            throw new UsageException(key + " must be a list of module names, got " + v);
        }
        return out;
    }

    /** A builder holding the defaults (see the class comment). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder().mode(mode).loraRank(loraRank).loraAlpha(loraAlpha).loraDropout(loraDropout)
                .loraTargets(loraTargets).idTokenRowsFrom(idTokenRowsFrom).epochs(epochs).batchSize(batchSize)
                .gradAccumulation(gradAccumulation).learningRate(learningRate).weightDecay(weightDecay)
                .warmupSteps(warmupSteps).clipNorm(clipNorm).maxLength(maxLength).patience(patience)
                .checkpointEvery(checkpointEvery).seed(seed);
    }

    /** Mutable companion of {@link SftConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Mode mode = Mode.LORA;
        private int loraRank = 8;
        private double loraAlpha = 16;
        private double loraDropout = 0.05;
        private List<String> loraTargets = List.of("q_proj", "v_proj");
        private int idTokenRowsFrom = -1;
        private int epochs = 1;
        private int batchSize = 8;
        private int gradAccumulation = 1;
        private double learningRate = 2e-4;
        private double weightDecay = 0;
        private int warmupSteps = 10;
        private double clipNorm = 1.0;
        private int maxLength = 512;
        private int patience = 0;
        private int checkpointEvery = 100;
        private long seed = 42;

        private Builder() {
        }

        public Builder mode(Mode v) { mode = v; return this; }
        public Builder loraRank(int v) { loraRank = v; return this; }
        public Builder loraAlpha(double v) { loraAlpha = v; return this; }
        public Builder loraDropout(double v) { loraDropout = v; return this; }
        public Builder loraTargets(List<String> v) { loraTargets = v; return this; }
        public Builder idTokenRowsFrom(int v) { idTokenRowsFrom = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder gradAccumulation(int v) { gradAccumulation = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public SftConfig build() {
            return new SftConfig(mode, loraRank, loraAlpha, loraDropout, loraTargets, idTokenRowsFrom, epochs, batchSize,
                    gradAccumulation, learningRate, weightDecay, warmupSteps, clipNorm, maxLength, patience,
                    checkpointEvery, seed);
        }
    }
}
