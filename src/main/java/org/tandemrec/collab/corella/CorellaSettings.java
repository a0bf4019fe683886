package org.tandemrec.collab.corella;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.sft.SftConfig;

/**
 * Settings of a CoReLLa run, named as in its settings file (YAML or JSON; defaults only in
 * {@link #defaults()}); the LLM's LoRA settings sit under {@code sft:} with the keys of {@code
 * tandem llm sft} (ReLLa's r 8, alpha 16, dropout 0.05 on q/v by default):
 * <pre>{@code
 * history_items: 30      # the user's last N rated items a prompt lists (ReLLa: 30)
 * min_history: 5         # rows whose user has fewer earlier ratings are dropped (ReLLa: 5)
 * token_budget: 0        # tokens per prompt; 0: the LLM's context
 * crm_epochs: 0          # stage 1's DCNv2 epochs; 0: its default
 * joint_samples: 20000   # stage 2: LLM + DCNv2 with alignment on a seeded sample of training rows
 * llm_samples: 20000     # stage 3: the LLM alone on a fresh sample
 * alpha: 1.0             # stage 2's weights of L_llm, L_crm, L_cal
 * beta: 1.0
 * gamma: 0.1
 * align_pairs: []        # [[LLM block, DCNv2 cross layer], ...]; empty: cross layer j with block round((j+1)L/C)
 * align_p: 2.0           # the alignment norm's power
 * align_normalize: true  # projections scaled to unit length before the distance
 * shared_dim: 64         # the projection heads' common dimension
 * crm_rate_scale: 1.0    # the DCNv2's learning rate in stage 2 over the LLM's
 * budget: -1             # share of requests routed to the LLM; -1: chosen on validation AUC
 * eval_rows: 2000        # test rows scored (a seeded sample, the same for every model); 0: all
 * valid_rows: 1000       # validation rows for calibration and the budget
 * baselines: [autoint, xdeepfm, fibinet]   # further click CRMs scored beside DCNv2
 * methods: [tallrec, corella]  # which LLM rows of the comparison to run (stage 1's DCNv2 always)
 * ablations: false       # also w/o stage 1, 2, 3 and w/o alignment
 * seed: 42
 * sft: {learning_rate: 0.001, batch_size: 8, warmup_steps: 10, ...}
 * }</pre>
 */
public record CorellaSettings(int historyItems, int minHistory, int tokenBudget, int crmEpochs, int jointSamples,
                              int llmSamples, double alpha, double beta, double gamma, List<int[]> alignPairs,
                              double alignP, boolean alignNormalize, int sharedDim, double crmRateScale, double budget, int evalRows,
                              int validRows, List<String> baselines, List<String> methods, boolean ablations, long seed,
                              SftConfig sft) {
    /** The comparison's LLM rows: TALLRec (the LLM tuned alone) and CoReLLa with its variants. */
    public static final List<String> METHODS = List.of("tallrec", "corella");
    /** Click models that may be scored beside DCNv2 (CoReLLa's feature-interaction baselines, and the simple ones). */
    public static final Set<String> BASELINES = Set.of("autoint", "xdeepfm", "fibinet", "mf-bce", "pop", "random");
    private static final Set<String> KEYS = Set.of("history_items", "min_history", "token_budget", "crm_epochs",
            "joint_samples", "llm_samples", "alpha", "beta", "gamma", "align_pairs", "align_p", "align_normalize", "shared_dim",
            "crm_rate_scale", "budget", "eval_rows", "valid_rows", "baselines", "methods", "ablations", "seed", "sft");

    public CorellaSettings {
        SettingsFile.requirePositive("history_items", historyItems);
        SettingsFile.requireNonNegative("min_history", minHistory);
        SettingsFile.requireNonNegative("token_budget", tokenBudget);
        SettingsFile.requireNonNegative("crm_epochs", crmEpochs);
        SettingsFile.requirePositive("joint_samples", jointSamples);
        SettingsFile.requirePositive("llm_samples", llmSamples);
        new JointTask.Weights(alpha, beta, gamma);
        alignPairs = List.copyOf(alignPairs);
        for (int[] p : alignPairs) {
            if (p.length != 2 || p[0] < 1 || p[1] < 0) {
                throw new UsageException("align_pairs: each pair is [LLM block >= 1, cross layer >= 0]");
            }
        }
        if (!(alignP > 0) || Double.isInfinite(alignP)) {
            throw new UsageException("align_p must be > 0 and finite, got " + alignP);
        }
        SettingsFile.requirePositive("shared_dim", sharedDim);
        if (!(crmRateScale > 0) || Double.isInfinite(crmRateScale)) {
            throw new UsageException("crm_rate_scale must be > 0 and finite, got " + crmRateScale);
        }
        if (!(budget == -1 || (budget >= 0 && budget <= 1))) {
            throw new UsageException("budget must be in [0, 1], or -1 to choose it on validation, got " + budget);
        }
        SettingsFile.requireNonNegative("eval_rows", evalRows);
        SettingsFile.requirePositive("valid_rows", validRows);
        baselines = List.copyOf(baselines);
        for (String b : baselines) {
            if (!BASELINES.contains(b)) {
                throw new UsageException("baselines: unknown click model '" + b + "' (known: "
                        + new TreeSet<>(BASELINES) + ")");
            }
        }
        methods = List.copyOf(methods);
        if (methods.isEmpty() || !METHODS.containsAll(methods) || methods.size() != Set.copyOf(methods).size()) {
            throw new UsageException("methods must name each of " + METHODS + " at most once and at least one, got "
                    + methods);
        }
        if (sft == null) {
            throw new UsageException("sft settings must be given");
        }
        if (sft.mode() != SftConfig.Mode.LORA) {
            throw new UsageException("sft.mode must be lora: CoReLLa tunes the LLM with LoRA");
        }
    }


    /** The defaults of the class comment. */
    public static CorellaSettings defaults() {
        SftConfig sft = SftConfig.builder().mode(SftConfig.Mode.LORA).learningRate(1e-3).batchSize(8).warmupSteps(10)
                .build();
        return new CorellaSettings(30, 5, 0, 0, 20_000, 20_000, 1, 1, 0.1, List.of(), 2, true, 64, 1, -1, 2000, 1000,
                List.of("autoint", "xdeepfm", "fibinet"), METHODS, false, 42L, sft);
    }

    /** The defaults with the keys of a settings file applied; {@code file} null: the defaults. */
    public static CorellaSettings load(Path file) throws IOException {
        return file == null ? defaults() : defaults().with(file.toString(), SettingsFile.read(file));
    }

    /** These settings with the given keys replaced ({@code where} names the source in errors). */
    public CorellaSettings with(String where, JsonNode given) {
        ObjectNode merged = toJson();
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            if (!KEYS.contains(e.getKey())) {
                throw new UsageException(where + ": unknown setting '" + e.getKey() + "' (known: "
                        + new TreeSet<>(KEYS) + ")");
            }
            if (!e.getKey().equals("sft")) {
                merged.set(e.getKey(), e.getValue());
            }
        }
        try {
            SftConfig s = given.has("sft") ? sft.with(where + ": sft", given.get("sft")) : sft;
            List<int[]> pairs = new ArrayList<>();
            for (JsonNode p : list(merged.get("align_pairs"), "align_pairs")) {
                List<Integer> v = new ArrayList<>();
                for (JsonNode x : list(p, "align_pairs")) {
                    v.add(SettingsFile.intValue(x, "align_pairs"));
                }
                pairs.add(v.stream().mapToInt(Integer::intValue).toArray());
            }
            List<String> b = new ArrayList<>();
            for (JsonNode x : list(merged.get("baselines"), "baselines")) {
                b.add(SettingsFile.textValue(x, "baselines"));
            }
            List<String> methodList = new ArrayList<>();
            for (JsonNode x : list(merged.get("methods"), "methods")) {
                methodList.add(SettingsFile.textValue(x, "methods"));
            }
            return new CorellaSettings(i(merged, "history_items"), i(merged, "min_history"), i(merged, "token_budget"),
                    i(merged, "crm_epochs"), i(merged, "joint_samples"), i(merged, "llm_samples"), d(merged, "alpha"),
                    d(merged, "beta"), d(merged, "gamma"), pairs, d(merged, "align_p"),
                    SettingsFile.booleanValue(merged.get("align_normalize"), "align_normalize"), i(merged, "shared_dim"),
                    d(merged, "crm_rate_scale"), d(merged, "budget"), i(merged, "eval_rows"), i(merged, "valid_rows"), b,
                    methodList, SettingsFile.booleanValue(merged.get("ablations"), "ablations"),
                    SettingsFile.longValue(merged.get("seed"), "seed"), s);
        } catch (IllegalArgumentException ex) {
            String msg = ex.getMessage();
            throw new UsageException(msg.startsWith(where) ? msg : where + ": " + msg, ex);
        }
    }

    private static int i(JsonNode o, String key) {
        return SettingsFile.intValue(o.get(key), key);
    }

    private static double d(JsonNode o, String key) {
        return SettingsFile.doubleValue(o.get(key), key);
    }

    private static Iterable<JsonNode> list(JsonNode v, String key) {
        if (v == null || !v.isArray()) {
            throw new UsageException(key + " must be a list, got " + v);
        }
        return v;
    }

    /** Whether the run holds the comparison row {@code method} (one of {@link #METHODS}). */
    public boolean runs(String method) {
        return methods.contains(method);
    }

    /** Every setting under its file key (for run records). */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("history_items", historyItems);
        o.put("min_history", minHistory);
        o.put("token_budget", tokenBudget);
        o.put("crm_epochs", crmEpochs);
        o.put("joint_samples", jointSamples);
        o.put("llm_samples", llmSamples);
        o.put("alpha", alpha);
        o.put("beta", beta);
        o.put("gamma", gamma);
        ArrayNode pairs = o.putArray("align_pairs");
        for (int[] p : alignPairs) {
            pairs.addArray().add(p[0]).add(p[1]);
        }
        o.put("align_p", alignP);
        o.put("align_normalize", alignNormalize);
        o.put("shared_dim", sharedDim);
        o.put("crm_rate_scale", crmRateScale);
        o.put("budget", budget);
        o.put("eval_rows", evalRows);
        o.put("valid_rows", validRows);
        ArrayNode b = o.putArray("baselines");
        baselines.forEach(b::add);
        ArrayNode ms = o.putArray("methods");
        methods.forEach(ms::add);
        o.put("ablations", ablations);
        o.put("seed", seed);
        o.set("sft", sft.toJson());
        return o;
    }
}
