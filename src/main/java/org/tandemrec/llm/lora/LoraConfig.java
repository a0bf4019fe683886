package org.tandemrec.llm.lora;

import java.util.List;
import org.tandemrec.base.UsageException;

/**
 * LoRA hyper-parameters as PEFT names them (Hu et al. 2021, §4): rank {@code r}, {@code
 * lora_alpha} (the update is scaled by alpha / r), {@code lora_dropout} on the adapter's input
 * during training, and {@code target_modules}: module names such as {@code q_proj}, matched
 * against the end of each projection's name as PEFT does ({@code model.layers.0.self_attn.q_proj}
 * matches {@code q_proj}). {@code baseModel} is recorded as {@code base_model_name_or_path}.
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules, String baseModel) {
    public LoraConfig {
        if (rank <= 0) {
            throw new UsageException("rank must be > 0, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new UsageException("alpha must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UsageException("dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new UsageException("targetModules must not be empty");
        }
        targetModules = List.copyOf(targetModules);
        for (String t : targetModules) {
            if (t.isBlank() || t.endsWith(".weight")) {
                throw new UsageException("targetModules entry must be a module name like q_proj, got '" + t + "'");
            }
        }
        baseModel = baseModel == null ? "" : baseModel;
    }

    /** The usual choice of attention projections: q_proj and v_proj. */
    public static LoraConfig attention(int rank, double alpha, double dropout, String baseModel) {
        return new LoraConfig(rank, alpha, dropout, List.of("q_proj", "v_proj"), baseModel);
    }

    /** The same settings recording another base model. */
    public LoraConfig withBaseModel(String base) {
        return new LoraConfig(rank, alpha, dropout, targetModules, base);
    }

    /** alpha / r, the factor on B A. */
    public float scale() {
        return (float) (alpha / rank);
    }

    /** Whether a module ({@code model.layers.0.self_attn.q_proj}) is targeted. */
    public boolean targets(String module) {
        for (String t : targetModules) {
            if (module.equals(t) || module.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }
}
