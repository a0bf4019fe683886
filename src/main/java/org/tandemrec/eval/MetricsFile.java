package org.tandemrec.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;

/**
 * Reads and writes {@code metrics.json} (format {@code tandem-metrics}, version 2, reading 1 too; the schema
 * is in {@link RunResults}). Writing is atomic; reading refuses another format or version and
 * reports a malformed field with {@link DataFormatException} (line 1: the file is one JSON
 * document, the field path says where).
 */
public final class MetricsFile {
    public static final String FORMAT = "tandem-metrics";
    public static final int VERSION = 2;
    /** The conventional file name inside a run directory. */
    public static final String FILE_NAME = "metrics.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsFile() {
    }

    public static void write(Path file, RunResults results) throws IOException {
        String text = toJson(results);
        AtomicFile.writeString(file, text + "\n");
    }

    public static String toJson(RunResults results) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode run = root.putObject("run");
        run.put("name", results.run().name());
        run.put("created", results.run().created().toString());
        run.put("tandemVersion", results.run().tandemVersion());
        ObjectNode config = run.putObject("config");
        results.run().config().forEach(config::put);
        ArrayNode list = root.putArray("results");
        for (MetricRecord r : results.results()) {
            ObjectNode o = list.addObject();
            o.put("task", r.task());
            o.put("model", r.model());
            o.put("segment", r.segment());
            o.put("count", r.count());
            if (r.dataset() != null) {
                o.put("dataset", r.dataset());
            }
            if (r.split() != null) {
                o.put("split", r.split());
            }
            if (r.seed() != null) {
                o.put("seed", r.seed());
            }
            ObjectNode m = o.putObject("metrics");
            r.metrics().forEach(m::put);
            if (r.calibration() != null) {
                ObjectNode c = o.putObject("calibration");
                ArrayNode bin = c.putArray("bin");
                ArrayNode predicted = c.putArray("mean_predicted");
                ArrayNode observed = c.putArray("observed_rate");
                ArrayNode count = c.putArray("count");
                for (Calibration.Bin b : r.calibration().bins()) {
                    bin.add(b.index());
                    predicted.add(b.meanPredicted());
                    observed.add(b.observedRate());
                    count.add(b.count());
                }
            }
        }
        List<SeedSpread> spreads = SeedSpread.of(results.results());
        if (!spreads.isEmpty()) {
            // Derived from the records above (not read back): what a reader of the file wants first.
            ArrayNode over = root.putArray("over_seeds");
            for (SeedSpread sp : spreads) {
                ObjectNode o = over.addObject().put("task", sp.task()).put("model", sp.model());
                if (sp.split() != null) {
                    o.put("split", sp.split());
                }
                ArrayNode seeds = o.putArray("seeds");
                sp.seeds().forEach(seeds::add);
                ObjectNode m = o.putObject("metrics");
                sp.mean().forEach((k, v) -> m.putObject(k).put("mean", v).put("sd", sp.sd().get(k)));
            }
        }
        if (!results.curves().isEmpty()) {
            ArrayNode curves = root.putArray("curves");
            for (Curve c : results.curves()) {
                ObjectNode o = curves.addObject();
                o.put("group", c.group());
                o.put("name", c.name());
                o.put("x_label", c.xLabel());
                o.put("y_label", c.yLabel());
                ArrayNode x = o.putArray("x");
                for (double v : c.x()) {
                    x.add(v);
                }
                ArrayNode y = o.putArray("y");
                for (double v : c.y()) {
                    y.add(v);
                }
            }
        }
        if (!results.settings().isEmpty()) {
            ObjectNode settings = root.putObject("settings");
            results.settings().forEach((model, values) -> {
                ObjectNode o = settings.putObject(model);
                values.forEach(o::put);
            });
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise metrics", e);
        }
    }

    public static RunResults read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            throw new DataFormatException(file, line, "(document)", "not valid JSON: " + e.getOriginalMessage());
        }
        return fromJson(root, file);
    }

    static RunResults fromJson(JsonNode root, Path file) {
        if (root == null || !root.isObject()) {
            throw new DataFormatException(file, 1, "(document)", "expected a JSON object");
        }
        String format = text(root, "format", "format", file);
        if (!FORMAT.equals(format)) {
            throw new DataFormatException(file, 1, "format", "unknown format '" + format + "', expected '" + FORMAT + "'");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.asInt() < 1 || version.asInt() > VERSION) {
            throw new DataFormatException(file, 1, "version", "unsupported version " + version
                    + " of " + FORMAT + ", this Tandem reads versions 1 to " + VERSION);
        }
        JsonNode run = object(root, "run", "run", file);
        Instant created;
        try {
            created = Instant.parse(text(run, "created", "run.created", file));
        } catch (DateTimeParseException e) {
            throw new DataFormatException(file, 1, "run.created", "not an ISO-8601 instant: " + run.get("created").asText());
        }
        Map<String, String> config = new LinkedHashMap<>();
        JsonNode cfg = run.get("config");
        if (cfg != null) {
            if (!cfg.isObject()) {
                throw new DataFormatException(file, 1, "run.config", "expected an object");
            }
            for (Map.Entry<String, JsonNode> e : cfg.properties()) {
                config.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        RunInfo info = new RunInfo(text(run, "name", "run.name", file), created,
                text(run, "tandemVersion", "run.tandemVersion", file), config);
        JsonNode results = root.get("results");
        if (results == null || !results.isArray()) {
            throw new DataFormatException(file, 1, "results", "expected an array");
        }
        List<MetricRecord> records = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            String at = "results[" + i + "]";
            JsonNode r = results.get(i);
            if (!r.isObject()) {
                throw new DataFormatException(file, 1, at, "expected an object");
            }
            JsonNode count = r.get("count");
            if (count == null || !count.canConvertToLong() || !count.isIntegralNumber() || count.asLong() < 0) {
                throw new DataFormatException(file, 1, at + ".count", "expected a non-negative integer, got " + count);
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            JsonNode m = object(r, "metrics", at + ".metrics", file);
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) {
                    throw new DataFormatException(file, 1, at + ".metrics." + e.getKey(),
                            "expected a finite number, got " + e.getValue());
                }
                metrics.put(e.getKey(), e.getValue().asDouble());
            }
            JsonNode seed = r.get("seed");
            if (seed != null && !seed.isIntegralNumber()) {
                throw new DataFormatException(file, 1, at + ".seed", "expected an integer, got " + seed);
            }
            try {
                records.add(new MetricRecord(text(r, "task", at + ".task", file), text(r, "model", at + ".model", file),
                        text(r, "segment", at + ".segment", file), metrics, count.asLong(),
                        optionalText(r, "dataset"), optionalText(r, "split"), seed == null ? null : seed.asLong(),
                        calibration(r, at, file)));
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(file, 1, at, e.getMessage());
            }
        }
        return new RunResults(info, records, curves(root, file), settings(root, file));
    }

    private static Calibration calibration(JsonNode record, String at, Path file) {
        JsonNode c = record.get("calibration");
        if (c == null) {
            return null;
        }
        String here = at + ".calibration";
        if (!c.isObject()) {
            throw new DataFormatException(file, 1, here, "expected an object, got " + c);
        }
        double[] bin = numbers(c, "bin", here, file);
        double[] predicted = numbers(c, "mean_predicted", here, file);
        double[] observed = numbers(c, "observed_rate", here, file);
        double[] count = numbers(c, "count", here, file);
        if (predicted.length != bin.length || observed.length != bin.length || count.length != bin.length) {
            throw new DataFormatException(file, 1, here, "bin, mean_predicted, observed_rate and count must have the same"
                    + " length, got " + bin.length + ", " + predicted.length + ", " + observed.length + ", " + count.length);
        }
        List<Calibration.Bin> bins = new ArrayList<>(bin.length);
        for (int i = 0; i < bin.length; i++) {
            if (bin[i] != Math.rint(bin[i]) || count[i] != Math.rint(count[i])) {
                throw new DataFormatException(file, 1, here + "[" + i + "]", "bin and count must be integers");
            }
            try {
                bins.add(new Calibration.Bin((int) bin[i], predicted[i], observed[i], (long) count[i]));
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(file, 1, here, e.getMessage());
            }
        }
        try {
            return new Calibration(bins);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, 1, here, e.getMessage());
        }
    }

    private static Map<String, Map<String, String>> settings(JsonNode root, Path file) {
        JsonNode s = root.get("settings");
        if (s == null) {
            return Map.of();
        }
        if (!s.isObject()) {
            throw new DataFormatException(file, 1, "settings", "expected an object, got " + s);
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> model : s.properties()) {
            if (!model.getValue().isObject()) {
                throw new DataFormatException(file, 1, "settings." + model.getKey(), "expected an object, got " + model.getValue());
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : model.getValue().properties()) {
                values.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
            out.put(model.getKey(), values);
        }
        return out;
    }

    private static List<Curve> curves(JsonNode root, Path file) {
        JsonNode list = root.get("curves");
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new DataFormatException(file, 1, "curves", "expected an array");
        }
        List<Curve> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String at = "curves[" + i + "]";
            JsonNode c = list.get(i);
            if (!c.isObject()) {
                throw new DataFormatException(file, 1, at, "expected an object");
            }
            try {
                out.add(new Curve(text(c, "group", at + ".group", file), text(c, "name", at + ".name", file),
                        text(c, "x_label", at + ".x_label", file), text(c, "y_label", at + ".y_label", file),
                        numbers(c, "x", at, file), numbers(c, "y", at, file)));
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(file, 1, at, e.getMessage());
            }
        }
        return out;
    }

    private static double[] numbers(JsonNode node, String name, String at, Path file) {
        JsonNode v = node.get(name);
        if (v == null || !v.isArray()) {
            throw new DataFormatException(file, 1, at + "." + name, "expected an array of numbers, got " + v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw new DataFormatException(file, 1, at + "." + name + "[" + i + "]", "expected a number, got " + v.get(i));
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    private static String text(JsonNode node, String name, String path, Path file) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new DataFormatException(file, 1, path, "expected a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode object(JsonNode node, String name, String path, Path file) {
        JsonNode v = node.get(name);
        if (v == null || !v.isObject()) {
            throw new DataFormatException(file, 1, path, "expected an object, got " + v);
        }
        return v;
    }
}
