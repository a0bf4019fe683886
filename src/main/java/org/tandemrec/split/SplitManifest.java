package org.tandemrec.split;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.LabelRule;

/**
 * What a split directory holds and how it was made: {@code manifest.json} with format
 * "tandem-split", version 1, the source, the config, counts per part and the SHA-256 of every
 * data file. It holds no creation time, so the same config and data give a byte-identical
 * directory.
 *
 * @param toolVersion Tandem version that wrote the split
 * @param source where the data came from
 * @param config the split config
 * @param textModel sentence encoder of the text-similarity negatives ("" when none was used)
 * @param counts counts per part ("users", "items", "train", "valid", "test", "valid_candidates", …)
 * @param files file name → SHA-256 hex of its bytes
 */
public record SplitManifest(String toolVersion, SplitSource source, SplitConfig config, String textModel,
                            Map<String, Long> counts,
                            Map<String, String> files) {
    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "tandem-split";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SplitManifest {
        Objects.requireNonNull(toolVersion, "toolVersion");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(textModel, "textModel");
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** The count under the key, 0 when absent. */
    public long count(String key) {
        return counts.getOrDefault(key, 0L);
    }

    public SplitManifest withFiles(Map<String, String> newFiles) {
        return new SplitManifest(toolVersion, source, config, textModel, counts, newFiles);
    }

    /** Version of the running Tandem build ("dev" when run from classes). */
    public static String currentToolVersion() {
        String v = SplitManifest.class.getPackage().getImplementationVersion();
        return "tandem " + (v == null ? "dev" : v);
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("created_by", toolVersion);
        ObjectNode src = o.putObject("source");
        src.put("name", source.name());
        src.put("path", source.path());
        src.put("format", source.format());
        var filters = src.putArray("filters");
        source.filters().forEach(filters::add);
        src.put("label_rule", source.labelRule().toString());
        o.put("protocol", config.protocol().id());
        o.put("task", config.task().id());
        o.put("negatives", config.negatives());
        o.put("sampler", config.sampler().id());
        o.put("ctr_sampler", config.ctrSampler().id());
        o.put("seed", config.seed());
        ObjectNode fr = o.putObject("fractions");
        fr.put("train", config.trainFraction());
        fr.put("valid", config.validFraction());
        fr.put("test", config.testFraction());
        o.put("min_interactions", config.minInteractions());
        o.put("popularity_exponent", config.popularityExponent());
        o.put("text_top_m", config.textTopM());
        o.put("popularity_share", config.popularityShare());
        o.put("text_model", textModel);
        ObjectNode c = o.putObject("counts");
        counts.forEach(c::put);
        ObjectNode f = o.putObject("files");
        files.forEach(f::put);
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a manifest, refusing another format or an unknown version. */
    public static SplitManifest parse(Path file, String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(file, e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr()), "(json)",
                    org.tandemrec.base.JsonSyntaxError.describe(e));
        } catch (IOException e) {
            throw new DataFormatException(file, 1, "(json)", e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new DataFormatException(file, 1, "(json)", "expected a JSON object");
        }
        String format = text(file, o, "format");
        if (!FORMAT.equals(format)) {
            throw new DataFormatException(file, 1, "format", "expected '" + FORMAT + "', got '" + format + "'");
        }
        int version = integer(file, o, "version");
        if (version != VERSION) {
            throw new DataFormatException(file, 1, "version", "unsupported split format version " + version
                    + " (this build reads version " + VERSION + ")");
        }
        JsonNode src = object(file, o, "source");
        List<String> filters = new ArrayList<>();
        JsonNode fl = src.get("filters");
        if (fl != null && fl.isArray()) {
            fl.forEach(n -> filters.add(n.asText()));
        }
        LabelRule rule;
        try {
            rule = LabelRule.parse(text(file, src, "label_rule"));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, 1, "source.label_rule", e.getMessage());
        }
        SplitSource source = new SplitSource(text(file, src, "name"), text(file, src, "path"),
                text(file, src, "format"), filters, rule);
        JsonNode fr = object(file, o, "fractions");
        SplitConfig.Protocol protocol = named(file, "protocol", () -> SplitConfig.Protocol.parse(text(file, o, "protocol")));
        SplitConfig.Task task = named(file, "task", () -> SplitConfig.Task.parse(text(file, o, "task")));
        SplitConfig.SamplerKind sampler = named(file, "sampler", () -> SplitConfig.SamplerKind.parse(text(file, o, "sampler")));
        SplitConfig.SamplerKind ctrSampler = named(file, "ctr_sampler",
                () -> SplitConfig.SamplerKind.parse(text(file, o, "ctr_sampler")));
        SplitConfig config;
        try {
            config = new SplitConfig(protocol, task, integer(file, o, "negatives"), sampler, ctrSampler,
                    number(file, o, "seed").longValue(),
                    number(file, fr, "train").doubleValue(), number(file, fr, "valid").doubleValue(),
                    number(file, fr, "test").doubleValue(), integer(file, o, "min_interactions"),
                    number(file, o, "popularity_exponent").doubleValue(), integer(file, o, "text_top_m"),
                    number(file, o, "popularity_share").doubleValue());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, 1, "(config)", e.getMessage());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        object(file, o, "counts").properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
        Map<String, String> files = new LinkedHashMap<>();
        object(file, o, "files").properties().forEach(e -> files.put(e.getKey(), e.getValue().asText()));
        JsonNode tm = o.get("text_model");
        String textModel = tm == null || tm.isNull() ? "" : tm.asText();
        return new SplitManifest(text(file, o, "created_by"), source, config, textModel, counts, files);
    }

    private static JsonNode field(Path file, JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) {
            throw new DataFormatException(file, 1, name, "missing");
        }
        return n;
    }

    private static String text(Path file, JsonNode o, String name) {
        JsonNode n = field(file, o, name);
        if (!n.isTextual()) {
            throw new DataFormatException(file, 1, name, "expected a string, got " + n);
        }
        return n.asText();
    }

    private static Number number(Path file, JsonNode o, String name) {
        JsonNode n = field(file, o, name);
        if (!n.isNumber()) {
            throw new DataFormatException(file, 1, name, "expected a number, got " + n);
        }
        return n.numberValue();
    }

    private static int integer(Path file, JsonNode o, String name) {
        JsonNode n = field(file, o, name);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new DataFormatException(file, 1, name, "expected an integer, got " + n);
        }
        return n.intValue();
    }

    /** The value {@code parse} reads from field {@code field}, its refusal naming that field. */
    private static <T> T named(Path file, String field, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, 1, field, e.getMessage());
        }
    }

    private static JsonNode object(Path file, JsonNode o, String name) {
        JsonNode n = field(file, o, name);
        if (!n.isObject()) {
            throw new DataFormatException(file, 1, name, "expected an object");
        }
        return n;
    }
}
