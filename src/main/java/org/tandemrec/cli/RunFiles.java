package org.tandemrec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunInfo;
import org.tandemrec.eval.RunResults;

/**
 * The files of a training run directory: {@code run.json} (format {@code tandem-run} v1: what was
 * trained on which split with which settings), {@code model.bin}, {@code checkpoint.bin} while
 * training, and {@code metrics.json} + {@code report.html} written last, so a run without
 * {@code metrics.json} is visibly unfinished.
 */
final class RunFiles {
    static final String RUN = "run.json";
    static final String MODEL = "model.bin";
    static final String CHECKPOINT = "checkpoint.bin";
    /** Each epoch's mean training loss and validation metric while training ({@link org.tandemrec.train.EpochLog}); removed at the end. */
    static final String EPOCH_LOG = "epochs.log";
    static final String FORMAT = "tandem-run";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {
    }

    static String toolVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static void writeRun(Path dir, String kind, String model, Path split, JsonNode settings) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("tandem", toolVersion());
        o.put("kind", kind);
        o.put("model", model);
        o.put("split", split.toAbsolutePath().normalize().toString());
        o.set("settings", settings);
        AtomicFile.writeString(dir.resolve(RUN), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    /** A run setting as the text metrics.json records: a value as is, a list (layer sizes) as its JSON, e.g. [256,128]. */
    static String settingText(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** Every setting of {@code settings} as metrics.json records it ({@link #settingText}). */
    static Map<String, String> settingsText(JsonNode settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.properties().forEach(e -> out.put(e.getKey(), settingText(e.getValue())));
        return out;
    }

    static JsonNode readRun(Path dir) throws IOException {
        Path f = dir.resolve(RUN);
        if (!Files.isRegularFile(f)) {
            throw new DataFormatException(f, "not a run directory: " + RUN + " is missing");
        }
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(f));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DataFormatException(f, "not UTF-8 text (is it another file?)");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(f, "not valid JSON: " + org.tandemrec.base.JsonSyntaxError.describe(e));
        }
        if (o == null || !o.isObject()) {
            throw new DataFormatException(f, "expected a JSON object (format " + FORMAT + ")");
        }
        if (!FORMAT.equals(o.path("format").asText()) || o.path("version").asInt(-1) != VERSION) {
            throw new DataFormatException(f, "field format/version: expected format " + FORMAT + " version " + VERSION
                    + ", got " + o.path("format").asText("?") + " version " + o.path("version").asText("?"));
        }
        if (!o.path("split").isTextual() || o.path("split").asText().isEmpty()) {
            throw new DataFormatException(f, "field split must name the split directory, got " + o.path("split"));
        }
        return o;
    }

    /** Writes metrics.json then report.html for the records. */
    static RunResults writeResults(Path dir, String name, Map<String, String> config, List<MetricRecord> records)
            throws IOException {
        return writeResults(dir, name, config, records, List.of());
    }

    /**
     * The end of a method's run ({@code tandem bdlm}, {@code tandem corella}): metrics.json and
     * report.html with the split, the LLM and the run's summary as configuration, every setting
     * under the method's name, and each model's figures on all examples printed, one line each.
     */
    static void finishMethodRun(Path out, String method, Path split, Path llm, ObjectNode settings,
                                Map<String, String> summary, List<MetricRecord> records, List<Curve> curves,
                                java.io.PrintWriter w) throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("split", split.toString());
        config.put("llm", llm.toString());
        config.putAll(summary);
        writeResults(out, out.getFileName().toString(), config, records, curves, Map.of(method, settingsText(settings)));
        for (MetricRecord m : records) {
            if (m.segment().equals(MetricRecord.ALL)) {
                w.printf(java.util.Locale.ROOT, "%-12s %-18s %s%n", m.task(), m.model(), m.metrics());
            }
        }
        w.flush();
    }

    /** Writes metrics.json then report.html for the records and traced curves. */
    static RunResults writeResults(Path dir, String name, Map<String, String> config, List<MetricRecord> records,
                                   List<Curve> curves) throws IOException {
        return writeResults(dir, name, config, records, curves, Map.of());
    }

    /** Writes metrics.json then report.html for the records, traced curves and each model's (or method's) settings. */
    static RunResults writeResults(Path dir, String name, Map<String, String> config, List<MetricRecord> records,
                                   List<Curve> curves, Map<String, Map<String, String>> settings) throws IOException {
        RunResults results = new RunResults(new RunInfo(name, Instant.now(), toolVersion(), new LinkedHashMap<>(config)),
                records, curves, settings);
        MetricsFile.write(dir.resolve(MetricsFile.FILE_NAME), results);
        HtmlReport.write(dir.resolve(HtmlReport.FILE_NAME), results);
        return results;
    }
}
