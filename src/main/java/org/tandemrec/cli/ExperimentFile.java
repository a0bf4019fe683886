package org.tandemrec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.bdlm.BdlmSettings;
import org.tandemrec.collab.corella.CorellaSettings;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.data.KCoreFilter;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.format.CsvColumns;
import org.tandemrec.data.format.CsvSideFiles;
import org.tandemrec.data.format.DatasetFormat;
import org.tandemrec.data.format.LoadOptions;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.split.SplitConfig;

/**
 * Reads an experiment file of {@code tandem run} (YAML, or JSON by its extension) and validates
 * all of it before any work: every problem is collected, each as one line {@code FILE:LINE: PATH:
 * message} with the path of the field ({@code models[2].settings.learning_rate}). The keys are the
 * names the other commands use: the data source options of {@code split}, the settings of {@code
 * train crm --config}, {@code bdlm --config}, {@code corella --config} and {@code llm pretrain}.
 *
 * <pre>{@code
 * name: synthetic                 # default: the file's name
 * seed: 7                         # default 42: world, splits, LLM and every model without its own seed
 * seeds: [1, 2, 3]                # optional: every model once per seed (mean ± sd in the report)
 * dataset: {format: synthetic, users: 300, items: 300}   # or {format: ml-100k, path: ../data/ml-100k}
 * filters: {kcore: 5, label_rule: implicit}              # label_rule: the default of every split
 * splits:
 *   loo: {protocol: loo, task: both, negatives: 19, sampler: mixed}
 *   time: {protocol: time, task: ctr, label_rule: ">=4"}
 * llm: {pretrain: {steps: 200}}   # or {path: HF_DIR}; only read when a model needs it
 * models:
 *   - {name: lightgcn, settings: {epochs: 20}}
 *   - {name: dcnv2, split: time}
 *   - {name: bdlm, settings: {train_positions: 300}}
 * }</pre>
 */
final class ExperimentFile {
    static final String SYNTHETIC = "synthetic";
    /**
     * Model names besides the CRMs of {@link CrmCatalog#MODELS}: the two methods, the oracle, and
     * the LLM baselines of their comparisons run as models of their own.
     */
    static final List<String> METHODS = List.of("bdlm", "corella", "oracle", "llm-rec", "gpt4sm", "instructrec", "tallrec");
    /** The click models: they train on labelled rows only. */
    static final List<String> CLICK_MODELS = List.of("dcnv2", "autoint", "xdeepfm", "fibinet");
    private static final List<String> TOP_KEYS = List.of("name", "seed", "seeds", "dataset", "filters", "splits", "llm",
            "models");
    private static final List<String> SYNTHETIC_KEYS = List.of("format", "users", "items", "interactions");
    private static final List<String> CSV_KEYS = List.of("delimiter", "header", "user_col", "item_col", "rating_col",
            "timestamp_col", "items", "items_id_col", "users", "users_id_col");
    private static final List<String> SPLIT_KEYS = List.of("protocol", "task", "negatives", "sampler", "ctr_sampler",
            "fractions", "label_rule", "min_interactions", "popularity_exponent", "text_top_m", "popularity_share");
    private static final List<String> PRETRAIN_KEYS = List.of("steps", "minutes", "seed", "hidden", "layers", "vocab",
            "context");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An experiment file with problems: one line each, in file order. */
    static final class Invalid extends UsageException {
        private final List<String> lines;

        Invalid(List<String> lines) {
            super(String.join("\n", lines));
            this.lines = List.copyOf(lines);
        }

        List<String> lines() {
            return lines;
        }
    }

    private ExperimentFile() {
    }

    /** Every model name an entry may give. */
    static List<String> modelNames() {
        List<String> all = new ArrayList<>(CrmCatalog.MODELS);
        all.addAll(METHODS);
        return all;
    }

    /** The experiment in {@code file}, or {@link Invalid} with every problem it has. */
    static Experiment read(Path file) throws IOException {
        SettingsFile.Located located;
        try {
            located = SettingsFile.readLocated(file);
        } catch (IllegalArgumentException e) {
            throw new Invalid(List.of(e.getMessage()));
        }
        return new Reader(located).experiment();
    }

    /** One reading: the problems found so far and the resolved tree being built. */
    private static final class Reader {
        private final SettingsFile.Located file;
        private final Path base;
        private final List<String[]> problems = new ArrayList<>();
        private final ObjectNode resolved = JSON.createObjectNode();
        /** Every split the file names, valid or not: a model naming an invalid one gets no second problem. */
        private final java.util.Set<String> declaredSplits = new java.util.HashSet<>();

        Reader(SettingsFile.Located file) {
            this.file = file;
            Path parent = file.file().toAbsolutePath().normalize().getParent();
            this.base = parent == null ? Path.of("").toAbsolutePath() : parent;
        }

        Experiment experiment() {
            ObjectNode root = file.root();
            if (root.isEmpty()) {
                // One line for an empty file rather than one per missing section.
                throw new Invalid(List.of(file.file() + ": empty: an experiment needs at least a dataset and models"));
            }
            unknownKeys(root, "", TOP_KEYS, "");
            String stem = file.file().getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
            String name = root.has("name") ? text(root.get("name"), "name") : stem;
            if (name != null && !NAME.matcher(name).matches()) {
                problem("name", "must be letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            long seed = root.has("seed") ? value("seed", v -> SettingsFile.longValue(v, "seed"), root.get("seed"), 42L) : 42L;
            resolved.put("name", name);
            resolved.put("seed", seed);
            List<Long> seeds = seeds(root);
            Experiment.Source source = dataset(mapping(root, "", "dataset", true), seed);
            ObjectNode filters = mapping(root, "", "filters", false);
            unknownKeys(filters, "filters", List.of("kcore", "label_rule"), "");
            int k = filters.has("kcore") ? value("filters.kcore", v -> SettingsFile.intValue(v, "kcore"), filters.get("kcore"), 0) : 0;
            if (k < 0) {
                problem("filters.kcore", "must be >= 0 (0: no filter), got " + k);
            }
            KCoreFilter kcore = k <= 0 ? null : KCoreFilter.of(k);
            LabelRule defaultRule = filters.has("label_rule") ? value("filters.label_rule",
                    v -> LabelRule.parse(SettingsFile.textValue(v, "label_rule")), filters.get("label_rule"),
                    LabelRule.implicitFeedback()) : LabelRule.implicitFeedback();
            resolved.putObject("filters").put("kcore", k).put("label_rule", defaultRule.toString());
            Map<String, Experiment.Split> splits = splits(root, seed, defaultRule);
            Experiment.Llm llm = root.has("llm") ? llm(mapping(root, "", "llm", true), seed) : null;
            List<Experiment.Model> models = perSeed(models(root, seed, source, splits, llm), seeds);
            if (!problems.isEmpty()) {
                // Found section by section; reported in file order (stable: one line's problems keep theirs).
                List<String[]> byLine = new ArrayList<>(problems);
                byLine.sort(java.util.Comparator.comparingInt(p -> file.lineOf(p[0])));
                List<String> lines = new ArrayList<>();
                for (String[] p : byLine) {
                    int line = file.lineOf(p[0]);
                    lines.add(file.file() + (line > 0 ? ":" + line : "") + ": " + (p[0].isEmpty() ? "" : p[0] + ": ") + p[1]);
                }
                throw new Invalid(lines);
            }
            boolean usesLlm = models.stream().anyMatch(m -> m.kind() == Experiment.Kind.BDLM
                    || m.kind() == Experiment.Kind.CORELLA);
            return new Experiment(name, seed, seeds, source, kcore, splits, usesLlm ? llm : null, models, resolved);
        }

        /** {@code seeds}: distinct seeds, each model then run once per seed; empty when absent. */
        private List<Long> seeds(ObjectNode root) {
            if (!root.has("seeds")) {
                return List.of();
            }
            JsonNode v = root.get("seeds");
            if (!v.isArray() || v.isEmpty()) {
                problem("seeds", "must be a non-empty list of seeds, e.g. [1, 2, 3], got " + v);
                return List.of();
            }
            List<Long> seeds = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                Long s = value("seeds[" + i + "]", x -> SettingsFile.longValue(x, "seed"), v.get(i), null);
                if (s != null && seeds.contains(s)) {
                    problem("seeds[" + i + "]", "seed " + s + " is listed twice");
                } else if (s != null) {
                    seeds.add(s);
                }
            }
            ArrayNode list = resolved.putArray("seeds");
            seeds.forEach(list::add);
            return List.copyOf(seeds);
        }

        /**
         * Each model once per seed, in {@code models/ID/seed-S}; the oracle, which learns nothing,
         * once. A model that sets its own seed is a problem: the list decides.
         */
        private List<Experiment.Model> perSeed(List<Experiment.Model> models, List<Long> seeds) {
            if (seeds.isEmpty()) {
                return models;
            }
            JsonNode given = file.root().get("models");
            for (int i = 0; given != null && i < given.size(); i++) {
                JsonNode settings = given.get(i).get("settings");
                if (settings != null && settings.has("seed")) {
                    problem("models[" + i + "].settings.seed", "the experiment lists seeds: leave the model's seed out");
                }
            }
            if (!problems.isEmpty()) {
                return models;
            }
            List<Experiment.Model> out = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                Experiment.Model m = models.get(i);
                JsonNode resolvedSettings = resolved.get("models").get(i).get("settings");
                if (resolvedSettings instanceof ObjectNode o) {
                    o.remove("seed");
                }
                if (m.kind() == Experiment.Kind.ORACLE) {
                    out.add(m);
                    continue;
                }
                for (long s : seeds) {
                    ObjectNode seed = JSON.createObjectNode().put("seed", s);
                    out.add(new Experiment.Model(m.id(), m.id() + "/seed-" + s, s, m.name(), m.kind(), m.split(),
                            m.crm() == null ? null : m.crm().with("seeds", seed),
                            m.bdlm() == null ? null : m.bdlm().with("seeds", seed),
                            m.corella() == null ? null : m.corella().with("seeds", seed)));
                }
            }
            return out;
        }

        private Experiment.Source dataset(ObjectNode ds, long seed) {
            ObjectNode out = resolved.putObject("dataset");
            // A dataset that is missing or no mapping is one problem already, not a second one about its format.
            if (!ds.has("format") && problems.stream().noneMatch(p -> p[0].equals("dataset"))) {
                problem("dataset.format", "missing: give synthetic or one of "
                        + List.of(DatasetFormat.values()).stream().map(DatasetFormat::id).toList());
            }
            if (!ds.has("format")) {
                return null;
            }
            String format = text(ds.get("format"), "dataset.format");
            if (format == null) {
                return null;
            }
            if (format.equals(SYNTHETIC)) {
                unknownKeys(ds, "dataset", SYNTHETIC_KEYS, " of format synthetic");
                Integer users = optionalInt(ds, "dataset", "users");
                Integer items = optionalInt(ds, "dataset", "items");
                Integer interactions = optionalInt(ds, "dataset", "interactions");
                SyntheticConfig c = value("dataset", v -> DataSynthCommand.configFor(seed, users, items, interactions),
                        ds, null);
                if (c == null) {
                    return null;
                }
                out.put("format", SYNTHETIC).put("users", c.users()).put("items", c.items())
                        .put("interactions", c.targetInteractions());
                return new Experiment.Source(SYNTHETIC, null, c, LoadOptions.defaults());
            }
            DatasetFormat f = value("dataset.format", v -> DatasetFormat.parse(format), ds.get("format"), null);
            if (f == null) {
                return null;
            }
            List<String> keys = new ArrayList<>(List.of("format", "path", "skip_bad_lines"));
            if (f == DatasetFormat.AMAZON) {
                keys.add("amazon_meta");
            }
            if (f == DatasetFormat.CSV) {
                keys.addAll(CSV_KEYS);
            }
            unknownKeys(ds, "dataset", keys, " of format " + f.id());
            out.put("format", f.id());
            Path path = file(ds, "dataset", "path", true);
            out.put("path", path == null ? "" : path.toString());
            boolean skip = ds.has("skip_bad_lines") ? value("dataset.skip_bad_lines",
                    v -> SettingsFile.booleanValue(v, "skip_bad_lines"), ds.get("skip_bad_lines"), false) : false;
            out.put("skip_bad_lines", skip);
            Path meta = f == DatasetFormat.AMAZON ? file(ds, "dataset", "amazon_meta", false) : null;
            if (meta != null) {
                out.put("amazon_meta", meta.toString());
            }
            CsvColumns csv = CsvColumns.defaults();
            CsvSideFiles side = CsvSideFiles.NONE;
            if (f == DatasetFormat.CSV) {
                String delimiter = textOr(ds, "dataset", "delimiter", ",");
                boolean header = ds.has("header") ? value("dataset.header", v -> SettingsFile.booleanValue(v, "header"),
                        ds.get("header"), true) : true;
                String user = textOr(ds, "dataset", "user_col", "user_id");
                String item = textOr(ds, "dataset", "item_col", "item_id");
                String rating = textOr(ds, "dataset", "rating_col", "rating");
                String time = textOr(ds, "dataset", "timestamp_col", "timestamp");
                out.put("delimiter", delimiter).put("header", header).put("user_col", user).put("item_col", item)
                        .put("rating_col", rating).put("timestamp_col", time);
                csv = value("dataset", v -> DataSourceOptions.csvColumns(delimiter, header, user, item, rating, time),
                        ds, CsvColumns.defaults());
                // Side files give CSV data the titles and profiles that prompts and text negatives read.
                Path items = file(ds, "dataset", "items", false);
                Path users = file(ds, "dataset", "users", false);
                String itemsId = textOr(ds, "dataset", "items_id_col", "item_id");
                String usersId = textOr(ds, "dataset", "users_id_col", "user_id");
                if (items != null) {
                    out.put("items", items.toString()).put("items_id_col", itemsId);
                }
                if (users != null) {
                    out.put("users", users.toString()).put("users_id_col", usersId);
                }
                side = value("dataset", v -> CsvSideFiles.NONE.withItems(items, itemsId).withUsers(users, usersId), ds,
                        CsvSideFiles.NONE);
            }
            return path == null ? null : new Experiment.Source(f.id(), path, null, new LoadOptions(skip, csv, meta, side));
        }

        private Map<String, Experiment.Split> splits(ObjectNode root, long seed, LabelRule defaultRule) {
            ObjectNode given = root.has("splits") ? mapping(root, "", "splits", true)
                    : (ObjectNode) JSON.createObjectNode().set("loo", JSON.createObjectNode());
            if (root.has("splits") && given.isEmpty() && root.get("splits").isObject()) {
                problem("splits", "must name at least one split, e.g. loo: {protocol: loo}");
            }
            ObjectNode out = resolved.putObject("splits");
            Map<String, Experiment.Split> splits = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : given.properties()) {
                String path = "splits." + e.getKey();
                declaredSplits.add(e.getKey());
                if (!NAME.matcher(e.getKey()).matches()) {
                    problem(path, "a split's name must be letters, digits, '.', '_' or '-'");
                    continue;
                }
                if (!e.getValue().isObject()) {
                    problem(path, "must be a mapping of split settings, got " + e.getValue());
                    continue;
                }
                ObjectNode s = (ObjectNode) e.getValue();
                unknownKeys(s, path, SPLIT_KEYS, "");
                SplitConfig c = SplitConfig.defaults().withSeed(seed);
                int before = problems.size();
                c = apply(c, s, path, "protocol", (x, v) -> x.withProtocol(SplitConfig.Protocol.parse(SettingsFile.textValue(v, "protocol"))));
                c = apply(c, s, path, "task", (x, v) -> x.withTask(SplitConfig.Task.parse(SettingsFile.textValue(v, "task"))));
                c = apply(c, s, path, "negatives", (x, v) -> x.withNegatives(SettingsFile.intValue(v, "negatives")));
                c = apply(c, s, path, "sampler", (x, v) -> x.withSampler(SplitConfig.SamplerKind.parse(SettingsFile.textValue(v, "sampler"))));
                c = apply(c, s, path, "ctr_sampler", (x, v) -> x.withCtrSampler(SplitConfig.SamplerKind.parse(SettingsFile.textValue(v, "ctr_sampler"))));
                c = apply(c, s, path, "min_interactions", (x, v) -> x.withMinInteractions(SettingsFile.intValue(v, "min_interactions")));
                c = apply(c, s, path, "popularity_exponent", (x, v) -> x.withPopularityExponent(SettingsFile.doubleValue(v, "popularity_exponent")));
                c = apply(c, s, path, "text_top_m", (x, v) -> x.withTextTopM(SettingsFile.intValue(v, "text_top_m")));
                c = apply(c, s, path, "popularity_share", (x, v) -> x.withPopularityShare(SettingsFile.doubleValue(v, "popularity_share")));
                c = apply(c, s, path, "fractions", (x, v) -> {
                    if (!v.isArray() || v.size() != 3) {
                        throw new UsageException("must be three numbers [train, valid, test], got " + v);
                    }
                    return x.withFractions(SettingsFile.doubleValue(v.get(0), "fractions"),
                            SettingsFile.doubleValue(v.get(1), "fractions"), SettingsFile.doubleValue(v.get(2), "fractions"));
                });
                LabelRule rule = s.has("label_rule") ? value(path + ".label_rule",
                        v -> LabelRule.parse(SettingsFile.textValue(v, "label_rule")), s.get("label_rule"), defaultRule)
                        : defaultRule;
                if (problems.size() > before) {
                    continue;
                }
                ObjectNode o = out.putObject(e.getKey());
                o.put("protocol", c.protocol().id()).put("task", c.task().id()).put("negatives", c.negatives())
                        .put("sampler", c.sampler().id()).put("ctr_sampler", c.ctrSampler().id());
                o.putArray("fractions").add(c.trainFraction()).add(c.validFraction()).add(c.testFraction());
                o.put("label_rule", rule.toString()).put("min_interactions", c.minInteractions())
                        .put("popularity_exponent", c.popularityExponent()).put("text_top_m", c.textTopM())
                        .put("popularity_share", c.popularityShare());
                splits.put(e.getKey(), new Experiment.Split(e.getKey(), c, rule));
            }
            return splits;
        }

        private Experiment.Llm llm(ObjectNode llm, long seed) {
            unknownKeys(llm, "llm", List.of("path", "pretrain"), "");
            ObjectNode out = resolved.putObject("llm");
            if (llm.has("path") == llm.has("pretrain")) {
                problem("llm", "give either path (a Hugging Face directory) or pretrain (the small model trained in the run)");
                return null;
            }
            if (llm.has("path")) {
                Path p = file(llm, "llm", "path", true);
                if (p != null && !Files.isRegularFile(p.resolve("config.json"))) {
                    problem("llm.path", p + " is not a Hugging Face directory: config.json is missing");
                    return null;
                }
                out.put("path", p == null ? "" : p.toString());
                return p == null ? null : new Experiment.Llm(p, null);
            }
            ObjectNode pre = mapping(llm, "llm", "pretrain", false);
            unknownKeys(pre, "llm.pretrain", PRETRAIN_KEYS, "");
            Integer steps = optionalInt(pre, "llm.pretrain", "steps");
            Double minutes = pre.has("minutes") ? value("llm.pretrain.minutes", v -> SettingsFile.doubleValue(v, "minutes"),
                    pre.get("minutes"), null) : null;
            long s = pre.has("seed") ? value("llm.pretrain.seed", v -> SettingsFile.longValue(v, "seed"), pre.get("seed"), seed)
                    : seed;
            Integer hidden = optionalInt(pre, "llm.pretrain", "hidden");
            Integer layers = optionalInt(pre, "llm.pretrain", "layers");
            Integer vocab = optionalInt(pre, "llm.pretrain", "vocab");
            Integer context = optionalInt(pre, "llm.pretrain", "context");
            // As the demo's: batch × context stays at the default's tokens per step.
            PretrainConfig c = value("llm.pretrain", v -> LlmPretrainCommand.config(s, steps, minutes, hidden, layers, vocab,
                    null).withContext(context == null ? PipelineStages.LLM_CONTEXT : context), pre, null);
            if (c == null) {
                return null;
            }
            out.putObject("pretrain").put("steps", c.steps()).put("minutes", c.minutes()).put("seed", c.seed())
                    .put("hidden", c.hidden()).put("layers", c.layers()).put("vocab", c.vocabSize()).put("context", c.context());
            return new Experiment.Llm(null, c);
        }

        private List<Experiment.Model> models(ObjectNode root, long seed, Experiment.Source source,
                                              Map<String, Experiment.Split> splits, Experiment.Llm llm) {
            ArrayNode out = resolved.putArray("models");
            List<Experiment.Model> models = new ArrayList<>();
            JsonNode given = root.get("models");
            if (given == null || !given.isArray() || given.isEmpty()) {
                problem("models", given == null ? "missing: list the models to train, e.g. - {name: lightgcn}"
                        : "must be a non-empty list of models, got " + given);
                return models;
            }
            Map<String, Integer> ids = new HashMap<>();
            for (int i = 0; i < given.size(); i++) {
                String path = "models[" + i + "]";
                JsonNode m = given.get(i);
                if (!m.isObject()) {
                    problem(path, "must be a mapping with a name, e.g. {name: lightgcn}, got " + m);
                    continue;
                }
                unknownKeys(m, path, List.of("name", "id", "split", "settings"), "");
                String name = m.has("name") ? text(m.get("name"), path + ".name") : null;
                if (name == null) {
                    if (!m.has("name")) {
                        problem(path + ".name", "missing (known: " + modelNames() + ")");
                    }
                    continue;
                }
                name = name.toLowerCase(Locale.ROOT);
                if (!modelNames().contains(name)) {
                    problem(path + ".name", "unknown model '" + name + "' (known: " + modelNames() + ")");
                    continue;
                }
                String id = m.has("id") ? text(m.get("id"), path + ".id") : name;
                if (id != null && !NAME.matcher(id).matches()) {
                    problem(path + ".id", "must be letters, digits, '.', '_' or '-', got '" + id + "'");
                } else if (id != null && ids.containsKey(id)) {
                    problem(path + ".id", "'" + id + "' is models[" + ids.get(id) + "]'s too; give one of them another id");
                } else if (id != null) {
                    ids.put(id, i);
                }
                Experiment.Kind kind = switch (name) {
                    case "bdlm", "llm-rec", "gpt4sm", "instructrec" -> Experiment.Kind.BDLM;
                    case "corella", "tallrec" -> Experiment.Kind.CORELLA;
                    case "oracle" -> Experiment.Kind.ORACLE;
                    default -> Experiment.Kind.CRM;
                };
                // The oracle without a split is scored on every split.
                String split = kind == Experiment.Kind.ORACLE && !m.has("split") ? null
                        : split(m, path, name, kind, splits);
                if ((kind == Experiment.Kind.BDLM || kind == Experiment.Kind.CORELLA) && llm == null
                        && !file.root().has("llm")) {
                    problem(path, name + " needs an LLM: add an llm section (llm: {pretrain: {steps: 200}} or llm: "
                            + "{path: HF_DIR})");
                }
                if (kind == Experiment.Kind.ORACLE && source != null && !source.isSynthetic()) {
                    problem(path + ".name", "oracle needs the synthetic world's truth: dataset.format is " + source.format());
                }
                JsonNode settings = m.has("settings") ? m.get("settings") : JSON.createObjectNode();
                String sPath = path + ".settings";
                ObjectNode withSeed = settings.isObject() ? ((ObjectNode) settings).deepCopy() : null;
                if (withSeed != null && !withSeed.has("seed") && kind != Experiment.Kind.ORACLE) {
                    withSeed.put("seed", seed);
                }
                CrmSpec crm = null;
                BdlmSettings bdlm = null;
                CorellaSettings corella = null;
                ObjectNode resolvedSettings = JSON.createObjectNode();
                String n = name;
                switch (kind) {
                    case CRM -> {
                        crm = settings(sPath, settings, withSeed, (w, v) -> CrmSpec.defaults(n).with(w, v));
                        if (crm != null) {
                            resolvedSettings = TrainCrmCommand.settingsJson(crm);
                            if (crm.options().sizeAwareBatch()) {
                                // LightGCN's batch follows the training rows: models/<id>/run.json records it.
                                resolvedSettings.remove("batch_size");
                            }
                        }
                    }
                    case BDLM -> {
                        BdlmSettings base = BdlmSettings.defaults();
                        if (!n.equals("bdlm") && alone(sPath, n, withSeed)) {
                            base = base.with(sPath, alone(n));
                        }
                        BdlmSettings from = base;
                        bdlm = settings(sPath, settings, withSeed, (w, v) -> from.with(w, v));
                        resolvedSettings = bdlm == null ? resolvedSettings : bdlm.toJson();
                    }
                    case CORELLA -> {
                        CorellaSettings base = CorellaSettings.defaults();
                        if (!n.equals("corella") && alone(sPath, n, withSeed)) {
                            base = base.with(sPath, alone(n));
                        }
                        CorellaSettings from = base;
                        corella = settings(sPath, settings, withSeed, (w, v) -> from.with(w, v));
                        resolvedSettings = corella == null ? resolvedSettings : corella.toJson();
                    }
                    case ORACLE -> {
                        if (!settings.isObject() || !settings.isEmpty()) {
                            problem(sPath, "oracle has no settings");
                        }
                    }
                    default -> throw new IllegalStateException(kind.name());
                }
                ObjectNode o = out.addObject().put("name", name).put("id", id == null ? name : id);
                if (split != null) {
                    o.put("split", split);
                }
                o.set("settings", resolvedSettings);
                String modelId = id == null ? name : id;
                models.add(new Experiment.Model(modelId, modelId, null, name, kind, split, crm, bdlm, corella));
            }
            return models;
        }

        /**
         * An LLM baseline as a model of its own runs its method's comparison with that row alone
         * and no CRM baselines: true unless its settings name other methods (a problem then).
         */
        private boolean alone(String path, String name, ObjectNode settings) {
            JsonNode m = settings == null ? null : settings.get("methods");
            if (m != null && !(m.isArray() && m.size() == 1 && name.equals(m.get(0).asText()))) {
                problem(path + ".methods", name + " runs alone: leave methods out (or [" + name + "]), or use bdlm/corella "
                        + "with methods " + m);
                return false;
            }
            return true;
        }

        private static ObjectNode alone(String name) {
            ObjectNode o = JSON.createObjectNode();
            o.putArray("methods").add(name);
            o.putArray("baselines");
            return o;
        }

        /** The split a model trains on: the one it names, else the first that suits it; null after a problem. */
        private String split(JsonNode m, String path, String name, Experiment.Kind kind, Map<String, Experiment.Split> splits) {
            boolean labelled = kind == Experiment.Kind.CORELLA || CLICK_MODELS.contains(name);
            boolean bdlm = kind == Experiment.Kind.BDLM;
            if (m.has("split")) {
                String s = text(m.get("split"), path + ".split");
                if (s == null) {
                    return null;
                }
                Experiment.Split sp = splits.get(s);
                if (sp == null && declaredSplits.contains(s)) {
                    return null;
                }
                if (sp == null) {
                    problem(path + ".split", "unknown split '" + s + "' (splits: " + List.copyOf(splits.keySet()) + ")");
                    return null;
                }
                if (labelled && sp.labelRule().implicit()) {
                    problem(path + ".split", name + " needs labelled rows: split '" + s + "' has no label_rule (e.g. '>=4')");
                } else if (kind == Experiment.Kind.CORELLA && !sp.config().task().ctr()) {
                    problem(path + ".split", "corella needs CTR rows: split '" + s + "' has task " + sp.config().task().id());
                } else if (bdlm && sp.config().task() != SplitConfig.Task.BOTH) {
                    problem(path + ".split", "bdlm needs top-K lists and interaction rows: split '" + s + "' has task "
                            + sp.config().task().id() + ", not both");
                }
                return s;
            }
            for (Experiment.Split sp : splits.values()) {
                boolean fits = labelled ? !sp.labelRule().implicit() && sp.config().task().ctr()
                        : !bdlm || sp.config().task() == SplitConfig.Task.BOTH;
                if (fits) {
                    return sp.name();
                }
            }
            // With an invalid split the fitting one may be that: its own problem is reported already.
            if (!splits.isEmpty() && declaredSplits.size() == splits.size()) {
                problem(path, name + " has no split to train on: " + (labelled
                        ? "it needs one with a label_rule (e.g. time: {protocol: time, task: ctr, label_rule: '>=4'})"
                        : "it needs one with task both"));
            }
            return null;
        }

        /**
         * A settings record from a model's {@code settings}, every problem of them collected;
         * {@code given} with the experiment's seed when it sets none is what is applied.
         */
        private <T> T settings(String path, JsonNode raw, ObjectNode given,
                               java.util.function.BiFunction<String, JsonNode, T> apply) {
            if (given == null) {
                problem(path, "must be a mapping of settings, got " + raw);
                return null;
            }
            List<String> found = SettingsFile.problems(path, given, apply::apply);
            for (String f : found) {
                int colon = f.indexOf(": ");
                problem(f.substring(0, colon), f.substring(colon + 2));
            }
            return found.isEmpty() ? apply.apply(path, given) : null;
        }

        private <T> T apply(T current, ObjectNode s, String path, String key,
                            java.util.function.BiFunction<T, JsonNode, T> change) {
            if (!s.has(key)) {
                return current;
            }
            try {
                return change.apply(current, s.get(key));
            } catch (IllegalArgumentException e) {
                problem(path + "." + key, strip(e.getMessage(), key));
                return current;
            }
        }

        private ObjectNode mapping(ObjectNode parent, String prefix, String key, boolean required) {
            JsonNode v = parent.get(key);
            String path = SettingsFile.path(prefix, key);
            if (v == null || v.isNull()) {
                if (required && v == null) {
                    problem(path, "missing");
                }
                return JSON.createObjectNode();
            }
            if (!v.isObject()) {
                problem(path, "must be a mapping, got " + v);
                return JSON.createObjectNode();
            }
            return (ObjectNode) v;
        }

        private void unknownKeys(JsonNode o, String path, List<String> known, String where) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (!known.contains(e.getKey())) {
                    problem(SettingsFile.path(path, e.getKey()), "unknown key" + where + " (known: " + known + ")");
                }
            }
        }

        private Integer optionalInt(ObjectNode o, String path, String key) {
            return o.has(key) ? value(path + "." + key, v -> SettingsFile.intValue(v, key), o.get(key), null) : null;
        }

        private String textOr(ObjectNode o, String path, String key, String fallback) {
            if (!o.has(key)) {
                return fallback;
            }
            String t = text(o.get(key), path + "." + key);
            return t == null ? fallback : t;
        }

        private String text(JsonNode v, String path) {
            return value(path, x -> SettingsFile.textValue(x, "value"), v, null);
        }

        /** A path relative to the experiment file's directory; a problem when it does not exist. */
        private Path file(ObjectNode o, String path, String key, boolean required) {
            if (!o.has(key)) {
                if (required) {
                    problem(path + "." + key, "missing");
                }
                return null;
            }
            String t = text(o.get(key), path + "." + key);
            if (t == null) {
                return null;
            }
            Path p = base.resolve(t).normalize();
            if (!Files.exists(p)) {
                problem(path + "." + key, "not found: " + p);
                return null;
            }
            return p;
        }

        private <T> T value(String path, Function<JsonNode, T> parse, JsonNode v, T fallback) {
            try {
                return parse.apply(v);
            } catch (IllegalArgumentException e) {
                problem(path, strip(e.getMessage(), path.substring(path.lastIndexOf('.') + 1)));
                return fallback;
            }
        }

        private static String strip(String message, String key) {
            String m = message == null ? "invalid" : message;
            for (String lead : new String[] {key + " ", "value "}) {
                if (m.startsWith(lead)) {
                    return m.substring(lead.length());
                }
            }
            return m;
        }

        private void problem(String path, String message) {
            problems.add(new String[] {path, message});
        }
    }
}
