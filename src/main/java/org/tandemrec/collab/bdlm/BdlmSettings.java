package org.tandemrec.collab.bdlm;

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
 * Settings of a BDLM run, named as in its settings file (YAML or JSON; defaults only in
 * {@link #defaults()}); the LLM's fine-tuning settings sit under {@code sft:} with the keys of
 * {@code tandem llm sft}:
 * <pre>{@code
 * crm: lightgcn              # the CRM whose embeddings become the ID tokens: lightgcn, neumf or gmf
 * crm_epochs: 0              # 0: the CRM's default epochs
 * crm_dim: 0                 # the CRM's size; 0: the LLM's hidden size (else its vectors are projected)
 * baselines: [gmf, neumf, sasrec, gru4rec, bert4rec]   # CRMs scored beside it (the BDLM CRM is one too)
 * methods: [llm-rec, gpt4sm, instructrec, bdlm]        # which rows of the comparison to run (the CRM always)
 * history_items: 10          # N, the most recent history items a prompt lists
 * token_budget: 0            # tokens per prompt; 0: the LLM's context
 * item_noun: movie           # prompt wording: one item, several items, the verb in the past and now
 * items_noun: movies
 * verb_past: watched
 * verb: watch
 * train_positions: 2000      # sampled training positions the LLM fine-tunes on
 * topk_share: 0.5            # of them, the share asked as top-K (the rest as interaction pairs)
 * drs_positions: 1000        # positions whose interaction pairs the feature-enhanced CRM trains on
 * rounds: 2                  # alternations of the LLM's and the CRM's turns
 * lambda: 0.1                # weight of the mutual-learning loss
 * lambda_sweep: []           # more λ to train and compare, the best on validation HR@1 reported as bdlm
 * ablations: false           # also w/o joint learning, w/o pre-loaded embeddings, w/o extended tokens
 * drs_hidden: 64             # the feature-enhanced CRM's hidden layer
 * drs_batch_size: 64
 * drs_learning_rate: 0.001
 * eval_users: 1000           # test users scored (a seeded sample, the same for every model); 0: all
 * valid_users: 200           # validation users for choosing λ
 * rescale_id_rows: true      # bring same-size CRM vectors to the vocabulary's scale
 * seed: 42
 * sft: {mode: full, learning_rate: 0.0005, batch_size: 8, warmup_steps: 20, ...}
 * }</pre>
 */
public record BdlmSettings(String crm, int crmEpochs, int crmDim, List<String> baselines, List<String> methods, int historyItems,
                           int tokenBudget, String itemNoun, String itemsNoun, String verbPast, String verb, int trainPositions,
                           double topKShare, int drsPositions, int rounds, double lambda, List<Double> lambdaSweep,
                           boolean ablations, int drsHidden, int drsBatchSize, double drsLearningRate, int evalUsers,
                           int validUsers, boolean rescaleIdRows, long seed, SftConfig sft) {
    /** CRMs whose user and item embeddings can become ID tokens. */
    public static final Set<String> ID_CRMS = Set.of("lightgcn", "neumf", "gmf");
    /**
     * The comparison's LLM rows: LLM-Rec, GPT4SM, InstructRec and BDLM itself (bdlm-llm, bdlm-drs
     * and, with {@code ablations}, its variants); a run may hold any of them.
     */
    public static final List<String> METHODS = List.of("llm-rec", "gpt4sm", "instructrec", "bdlm");
    /** CRMs that may be scored as baselines. */
    public static final Set<String> BASELINES = Set.of("gmf", "mlp", "neumf", "lightgcn", "mf-bpr", "mf-bce", "sasrec",
            "gru4rec", "bert4rec", "pop", "random");
    private static final Set<String> KEYS = Set.of("crm", "crm_epochs", "crm_dim", "baselines", "methods", "history_items", "token_budget",
            "item_noun", "items_noun", "verb_past", "verb", "train_positions", "topk_share", "drs_positions", "rounds",
            "lambda", "lambda_sweep", "ablations", "drs_hidden", "drs_batch_size", "drs_learning_rate", "eval_users",
            "valid_users", "rescale_id_rows", "seed", "sft");

    public BdlmSettings {
        if (!ID_CRMS.contains(crm)) {
            throw new UsageException("crm must be one of " + new TreeSet<>(ID_CRMS) + ", got " + crm);
        }
        SettingsFile.requireNonNegative("crm_epochs", crmEpochs);
        SettingsFile.requireNonNegative("crm_dim", crmDim);
        baselines = List.copyOf(baselines);
        for (String b : baselines) {
            if (!BASELINES.contains(b)) {
                throw new UsageException("baselines: unknown model '" + b + "' (known: " + new TreeSet<>(BASELINES) + ")");
            }
        }
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new UsageException("methods must name at least one of " + METHODS);
        }
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw new UsageException("methods: unknown method '" + m + "' (known: " + METHODS + ")");
            }
        }
        if (methods.size() != Set.copyOf(methods).size()) {
            throw new UsageException("methods: each method once, got " + methods);
        }
        SettingsFile.requirePositive("history_items", historyItems);
        SettingsFile.requireNonNegative("token_budget", tokenBudget);
        for (String[] w : new String[][] {{"item_noun", itemNoun}, {"items_noun", itemsNoun}, {"verb_past", verbPast},
                {"verb", verb}}) {
            if (w[1] == null || w[1].isBlank()) {
                throw new UsageException(w[0] + " must be a non-empty word");
            }
        }
        SettingsFile.requirePositive("train_positions", trainPositions);
        if (!(topKShare >= 0 && topKShare <= 1)) {
            throw new UsageException("topk_share must be in [0, 1], got " + topKShare);
        }
        SettingsFile.requirePositive("drs_positions", drsPositions);
        SettingsFile.requirePositive("rounds", rounds);
        lambdaOk("lambda", lambda);
        lambdaSweep = List.copyOf(lambdaSweep);
        for (double l : lambdaSweep) {
            lambdaOk("lambda_sweep", l);
        }
        SettingsFile.requirePositive("drs_hidden", drsHidden);
        SettingsFile.requirePositive("drs_batch_size", drsBatchSize);
        if (!(drsLearningRate > 0) || Double.isInfinite(drsLearningRate)) {
            throw new UsageException("drs_learning_rate must be > 0 and finite, got " + drsLearningRate);
        }
        SettingsFile.requireNonNegative("eval_users", evalUsers);
        SettingsFile.requirePositive("valid_users", validUsers);
        if (sft == null) {
            throw new UsageException("sft settings must be given");
        }
    }


    private static void lambdaOk(String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new UsageException(key + " must be >= 0 and finite, got " + v);
        }
    }

    /**
     * The defaults (see the class comment): full fine-tuning as the paper's (§5.2.1) at rate 5e-4
     * with 20 warm-up steps and batches of 8, the ID rows brought to the vocabulary's scale. On the
     * synthetic world's small LLM, LoRA (r 8 on q/v, rate 1e-3) with unscaled LightGCN rows left
     * the LLM at chance (interaction AUC 0.51); full fine-tuning with rescaled rows reached 0.72.
     * For a checkpoint too large to fine-tune whole, give {@code sft: {mode: lora}}. At most 1,000
     * test users are scored: every LLM row reads a top-K prompt and two interaction prompts per
     * user, and on 20,000 users that alone would take the demo-size LLM over an hour per row.
     */
    public static BdlmSettings defaults() {
        SftConfig sft = SftConfig.builder().mode(SftConfig.Mode.FULL).learningRate(5e-4).batchSize(8).warmupSteps(20)
                .loraDropout(0.0).build();
        return new BdlmSettings("lightgcn", 0, 0, List.of("gmf", "neumf", "sasrec", "gru4rec", "bert4rec"), METHODS, 10, 0,
                "movie", "movies", "watched", "watch", 2000, 0.5, 1000, 2, 0.1, List.of(), false, 64, 64, 1e-3, 1000, 200, true,
                42L, sft);
    }

    /** The defaults with the keys of a settings file applied; {@code file} null: the defaults. */
    public static BdlmSettings load(Path file) throws IOException {
        return file == null ? defaults() : defaults().with(file.toString(), SettingsFile.read(file));
    }

    /** These settings with the given keys replaced ({@code where} names the source in errors). */
    public BdlmSettings with(String where, JsonNode settings) {
        ObjectNode merged = toJson();
        for (Map.Entry<String, JsonNode> e : settings.properties()) {
            if (!KEYS.contains(e.getKey())) {
                throw new UsageException(where + ": unknown setting '" + e.getKey() + "' (known: "
                        + new TreeSet<>(KEYS) + ")");
            }
        }
        String key = null;
        try {
            key = "crm";
            String c = value(settings, key, merged).asText();
            key = "sft";
            SftConfig s = settings.has(key) ? sft.with(where + ": sft", settings.get(key)) : sft;
            key = "baselines";
            List<String> b = strings(value(settings, key, merged), key);
            key = "methods";
            List<String> methodList = strings(value(settings, key, merged), key);
            key = "lambda_sweep";
            List<Double> sweep = new ArrayList<>();
            for (JsonNode v : array(value(settings, key, merged), key)) {
                sweep.add(SettingsFile.doubleValue(v, key));
            }
            return new BdlmSettings(c, i(settings, "crm_epochs", merged), i(settings, "crm_dim", merged), b, methodList,
                    i(settings, "history_items", merged),
                    i(settings, "token_budget", merged), t(settings, "item_noun", merged), t(settings, "items_noun", merged),
                    t(settings, "verb_past", merged), t(settings, "verb", merged), i(settings, "train_positions", merged),
                    d(settings, "topk_share", merged), i(settings, "drs_positions", merged), i(settings, "rounds", merged),
                    d(settings, "lambda", merged), sweep, SettingsFile.booleanValue(value(settings, "ablations", merged),
                    "ablations"), i(settings, "drs_hidden", merged), i(settings, "drs_batch_size", merged),
                    d(settings, "drs_learning_rate", merged), i(settings, "eval_users", merged),
                    i(settings, "valid_users", merged), SettingsFile.booleanValue(value(settings, "rescale_id_rows", merged),
                    "rescale_id_rows"), SettingsFile.longValue(value(settings, "seed", merged), "seed"), s);
        } catch (IllegalArgumentException ex) {
            String msg = ex.getMessage();
            throw new UsageException(msg.startsWith(where) ? msg : where + ": " + msg, ex);
        }
    }

    private static JsonNode value(JsonNode given, String key, ObjectNode defaults) {
        return given.has(key) ? given.get(key) : defaults.get(key);
    }

    private static int i(JsonNode given, String key, ObjectNode defaults) {
        return SettingsFile.intValue(value(given, key, defaults), key);
    }

    private static double d(JsonNode given, String key, ObjectNode defaults) {
        return SettingsFile.doubleValue(value(given, key, defaults), key);
    }

    private static String t(JsonNode given, String key, ObjectNode defaults) {
        return SettingsFile.textValue(value(given, key, defaults), key);
    }

    private static Iterable<JsonNode> array(JsonNode v, String key) {
        if (!v.isArray()) {
            throw new UsageException(key + " must be a list, got " + v);
        }
        return v;
    }

    private static List<String> strings(JsonNode v, String key) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array(v, key)) {
            out.add(SettingsFile.textValue(s, key));
        }
        return out;
    }

    /** Every setting under its file key (for run records). */
    public ObjectNode toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.put("crm", crm);
        o.put("crm_epochs", crmEpochs);
        o.put("crm_dim", crmDim);
        ArrayNode b = o.putArray("baselines");
        baselines.forEach(b::add);
        ArrayNode ms = o.putArray("methods");
        methods.forEach(ms::add);
        o.put("history_items", historyItems);
        o.put("token_budget", tokenBudget);
        o.put("item_noun", itemNoun);
        o.put("items_noun", itemsNoun);
        o.put("verb_past", verbPast);
        o.put("verb", verb);
        o.put("train_positions", trainPositions);
        o.put("topk_share", topKShare);
        o.put("drs_positions", drsPositions);
        o.put("rounds", rounds);
        o.put("lambda", lambda);
        ArrayNode sw = o.putArray("lambda_sweep");
        lambdaSweep.forEach(sw::add);
        o.put("ablations", ablations);
        o.put("drs_hidden", drsHidden);
        o.put("drs_batch_size", drsBatchSize);
        o.put("drs_learning_rate", drsLearningRate);
        o.put("eval_users", evalUsers);
        o.put("valid_users", validUsers);
        o.put("rescale_id_rows", rescaleIdRows);
        o.put("seed", seed);
        o.set("sft", sft.toJson());
        return o;
    }

    /** Whether the run holds the comparison row {@code method} (one of {@link #METHODS}). */
    public boolean runs(String method) {
        return methods.contains(method);
    }

    /** The same settings with another λ. */
    public BdlmSettings withLambda(double l) {
        return new BdlmSettings(crm, crmEpochs, crmDim, baselines, methods, historyItems, tokenBudget, itemNoun, itemsNoun, verbPast,
                verb, trainPositions, topKShare, drsPositions, rounds, l, lambdaSweep, ablations, drsHidden, drsBatchSize,
                drsLearningRate, evalUsers, validUsers, rescaleIdRows, seed, sft);
    }
}
