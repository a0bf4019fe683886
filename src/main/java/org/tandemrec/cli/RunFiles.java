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
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import org.tandemrec.eval.RunInfo;
import org.tandemrec.eval.RunResults;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;

/**
 * The files of a training run directory: {@code run.json} (format {@code tandem-run} v1: what was
 * trained on which split with which settings), {@code model.bin}, {@code checkpoint.bin} while
 * training, then {@code metrics.json} + {@code report.html}, and the completion marker
 * {@link RunDirectory#COMPLETE} last, so a run without it is visibly unfinished.
 */
final class RunFiles {
    static final String RUN = "run.json";
    static final String MODEL = "model.bin";
    static final String CHECKPOINT = "checkpoint.bin";
    static final String TIMINGS = "timings.json";
    /** Each epoch's mean training loss and validation metric while training ({@link org.tandemrec.train.EpochLog}); removed at the end. */
    static final String EPOCH_LOG = "epochs.log";
    static final String FORMAT = "tandem-run";
    static final int VERSION = 1;
    static final String SPLIT_MANIFEST_SHA256 = "split_manifest_sha256";
    static final String SPLIT_IDS_SHA256 = "split_ids_sha256";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {
    }

    static String toolVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Writes run.json: what was trained, on which split (its path, and its {@link SplitIdentity}:
     * the manifest's and the id maps' SHA-256, so the run can refuse to be scored on other data)
     * and with which settings.
     */
    static void writeRun(Path dir, String kind, String model, Path split, SplitIdentity splitId, JsonNode settings)
            throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("tandem", toolVersion());
        o.put("kind", kind);
        o.put("model", model);
        o.put("split", split.toAbsolutePath().normalize().toString());
        o.put(SPLIT_MANIFEST_SHA256, splitId.manifestSha256());
        o.put(SPLIT_IDS_SHA256, splitId.idsSha256());
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

    /**
     * Refuses a run directory without its completion marker ({@link RunDirectory#COMPLETE}): it
     * was interrupted (or written before runs were marked), so its model and figures may be
     * an earlier epoch's or missing; the message says how to finish it.
     */
    static void requireComplete(Path dir) throws UnusableFileException {
        if (RunDirectory.isComplete(dir)) {
            return;
        }
        String how;
        if (Files.isRegularFile(dir.resolve(ExperimentRun.RESOLVED))) {
            how = "resume it with tandem run EXPERIMENT --out " + dir + " --resume";
        } else if (Files.isRegularFile(dir.resolve(RUN))) {
            how = "resume it with tandem train crm ... --out " + dir + " --resume";
        } else {
            how = "resume it with the command that wrote it and --resume";
        }
        throw new UnusableFileException(dir + ": no " + RunDirectory.COMPLETE + " marker: the run did not finish (" + how + ")");
    }

    /**
     * Refuses to score the run's model on {@code split} when its users and items are not the ones
     * the model was trained on (the id maps' SHA-256 recorded in run.json; for runs written before
     * it was recorded, the model's index sizes): its rows would stand for other users and items.
     */
    static void requireSameIds(Path dir, JsonNode run, Path splitDir, SplitData split, int modelUsers, int modelItems)
            throws UnusableFileException {
        String recorded = run.path(SPLIT_IDS_SHA256).asText("");
        String actual = SplitIdentity.idsSha256(split);
        if (!recorded.isEmpty() && !recorded.equals(actual)) {
            throw new UnusableFileException(splitDir + ": its users and items are not those the model of " + dir
                    + " was trained on (id maps sha256 " + SplitIdentity.shortHash(actual) + "…, " + RUN + " records "
                    + SplitIdentity.shortHash(recorded) + "… of " + run.path("split").asText("?")
                    + "); score it on a split of the same data");
        }
        if (modelUsers != split.numUsers() || modelItems != split.numItems()) {
            throw new UnusableFileException(splitDir + ": " + split.numUsers() + " users and " + split.numItems()
                    + " items, but the model of " + dir + " has " + modelUsers + " and " + modelItems
                    + "; score it on a split of the data it was trained on");
        }
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
            throw new DataFormatException(f, "field split must name the split directory, got "
                    + (o.has("split") ? o.get("split").toString() : "no such field"));
        }
        return o;
    }

    /** Writes metrics.json then report.html for the records. */
    static RunResults writeResults(Path dir, String name, Map<String, String> config, List<MetricRecord> records)
            throws IOException {
        return writeResults(dir, name, config, records, List.of());
    }

    /**
     * The end of a method's run ({@code tandem bdlm}, {@code tandem corella}): run.json (kind the
     * method, with the split it trained on), metrics.json, report.html and the completion marker, with the split, the LLM and the run's summary as configuration, every setting
     * under the method's name, and each model's figures on all examples printed, one line each.
     */
    static void finishMethodRun(Path out, String method, Path split, Path llm, ObjectNode settings,
                                Map<String, String> summary, Map<String, String> timings, List<MetricRecord> records,
                                List<Curve> curves, java.io.PrintWriter w) throws IOException {
        writeTimings(out, timings);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("split", split.toString());
        config.put("llm", llm.toString());
        config.putAll(summary);
        writeRun(out, method, method, split, SplitIdentity.of(split, SplitDirectory.read(split)), settings);
        writeResults(out, out.getFileName().toString(), config, records, curves, Map.of(method, settingsText(settings)));
        RunDirectory.markComplete(out);
        for (MetricRecord m : records) {
            if (m.segment().equals(MetricRecord.ALL)) {
                w.printf(java.util.Locale.ROOT, "%-12s %-18s %s%n", m.task(), m.model(), m.metrics());
            }
        }
        w.flush();
    }

    /**
     * How long each part of a run took, in {@code timings.json} beside {@code metrics.json}: kept
     * out of it so that two runs of one configuration give the same {@code metrics.json}.
     */
    static void writeTimings(Path dir, Map<String, String> timings) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        timings.forEach(o::put);
        AtomicFile.writeString(dir.resolve(TIMINGS), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(o) + "\n");
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
