package org.tandemrec.llm.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.JsonFile;

/**
 * What a fine-tuning run did, written as {@value SftJob#RUN_FILE} (format {@value #FORMAT}
 * version {@value #VERSION}) after its outputs, so a directory without it is unfinished.
 *
 * @param created          when the run finished
 * @param tandemVersion    the build that trained it ("dev" outside a jar)
 * @param model            base checkpoint directory
 * @param data             training data file
 * @param valid            validation data file, or null
 * @param settings         every setting ({@link SftConfig#toJson()})
 * @param maxLengthUsed    tokens per example actually used (max_length capped at the model's positions)
 * @param examples         training examples
 * @param validExamples    validation examples (0 without)
 * @param trainableParameters scalars that trained
 * @param steps            optimiser steps in total
 * @param resumedFromStep  the step this session started at (0 unless resumed)
 * @param loss             mean answer-token loss of every step, in order (NaN where unknown)
 * @param validLoss        validation loss after each epoch (empty without validation; NaN where unknown)
 * @param bestEpoch        0-based epoch whose values were kept, -1 without validation
 * @param stoppedEarly     whether early stopping ended the run
 * @param seconds          wall time of this session's training
 * @param tokensPerSecond  real (non-padding) tokens trained per second in this session
 * @param adapterDir       output adapter directory name inside the run directory, or null
 * @param modelDir         output model directory name inside the run directory, or null
 */
public record SftRunRecord(Instant created, String tandemVersion, String model, String data, String valid,
                           JsonNode settings, int maxLengthUsed, int examples, int validExamples,
                           long trainableParameters, long steps, long resumedFromStep, double[] loss, double[] validLoss,
                           int bestEpoch, boolean stoppedEarly, double seconds, double tokensPerSecond, String adapterDir,
                           String modelDir) {
    public static final String FORMAT = "tandem-sft-run";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("created", created.toString());
        o.put("tandem", tandemVersion);
        o.put("model", model);
        o.put("data", data);
        if (valid == null) {
            o.putNull("valid");
        } else {
            o.put("valid", valid);
        }
        o.set("settings", settings);
        o.put("max_length_used", maxLengthUsed);
        o.put("examples", examples);
        o.put("valid_examples", validExamples);
        o.put("trainable_parameters", trainableParameters);
        o.put("steps", steps);
        o.put("resumed_from_step", resumedFromStep);
        numbers(o.putArray("loss"), loss);
        numbers(o.putArray("valid_loss"), validLoss);
        o.put("best_epoch", bestEpoch);
        o.put("stopped_early", stoppedEarly);
        o.put("seconds", seconds);
        o.put("tokens_per_second", tokensPerSecond);
        ObjectNode out = o.putObject("outputs");
        if (adapterDir != null) {
            out.put("adapter", adapterDir);
        }
        if (modelDir != null) {
            out.put("model", modelDir);
        }
        return o;
    }

    /** JSON has no NaN: an unknown value is written as null. */
    private static void numbers(ArrayNode a, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    private static double[] numbers(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).isNumber() ? a.get(i).asDouble() : Double.NaN;
        }
        return v;
    }

    /** Writes the record atomically. */
    public void write(Path file) throws IOException {
        org.tandemrec.base.AtomicFile.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
    }

    /** Reads a record; another format or version is refused naming the file. */
    public static SftRunRecord read(Path file) throws IOException {
        JsonNode o = JsonFile.read(file);
        if (o == null || !FORMAT.equals(o.path("format").asText()) || o.path("version").asInt(-1) != VERSION) {
            throw new DataFormatException(file, "expected format " + FORMAT + " version " + VERSION + ", got "
                    + (o == null ? "nothing" : o.path("format").asText("?") + " version " + o.path("version").asText("?")));
        }
        JsonNode out = o.path("outputs");
        Instant created;
        try {
            created = Instant.parse(o.path("created").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new DataFormatException(file, "field created: not an ISO-8601 instant: " + o.path("created"), e);
        }
        return new SftRunRecord(created, o.path("tandem").asText(), o.path("model").asText(),
                o.path("data").asText(), o.path("valid").isNull() ? null : o.path("valid").asText(), o.get("settings"),
                o.path("max_length_used").asInt(), o.path("examples").asInt(), o.path("valid_examples").asInt(),
                o.path("trainable_parameters").asLong(), o.path("steps").asLong(), o.path("resumed_from_step").asLong(),
                numbers(o.path("loss")), numbers(o.path("valid_loss")), o.path("best_epoch").asInt(),
                o.path("stopped_early").asBoolean(), o.path("seconds").asDouble(), o.path("tokens_per_second").asDouble(),
                out.has("adapter") ? out.get("adapter").asText() : null, out.has("model") ? out.get("model").asText() : null);
    }
}
