package org.tandemrec.collab.corella;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.prompt.PromptConfig;
import org.tandemrec.prompt.PromptStyle;

/**
 * What a server needs to rebuild the cascade a CoReLLa run evaluated ({@code corella-llm/cascade.json}):
 * the router's threshold and budget, both sides' Platt calibrations, the prompt settings, the
 * click probability given when the CRM knows neither user nor item, and where the parts are —
 * paths relative to the CoReLLa run directory (the one holding {@code corella-llm/}), so that the
 * run directory can move and a server can check that nothing it reads lies outside it.
 *
 * @param threshold entropy at or above which a request goes to the LLM; +∞ when none does
 * @param promptTokens the token budget a prompt's history was cut to
 * @param coldProbability the validation rows' click rate: the CRM's answer for a user or item it has no row for
 */
public record CascadeFile(double threshold, double budget, PlattScaling crmCalibration, PlattScaling llmCalibration,
                          int historyItems, int minHistory, int promptTokens, PromptStyle style, float coldProbability,
                          String llmDir, String splitDir, String adapterDir, String crmFile) {
    public static final String FILE_NAME = "cascade.json";
    public static final String FORMAT = "tandem-corella-cascade";
    public static final int VERSION = 1;

    public CascadeFile {
        new EntropyRouter(threshold, budget);
        SettingsFile.requirePositive("history_items", historyItems);
        SettingsFile.requireNonNegative("min_history", minHistory);
        SettingsFile.requirePositive("prompt_tokens", promptTokens);
        if (!(coldProbability > 0 && coldProbability < 1)) {
            throw new IllegalArgumentException("cold_probability must be in (0, 1), got " + coldProbability);
        }
        for (String[] p : new String[][] {{"llm_dir", llmDir}, {"split_dir", splitDir}, {"adapter_dir", adapterDir},
                {"crm_file", crmFile}}) {
            if (p[1] == null || p[1].isBlank()) {
                throw new IllegalArgumentException(p[0] + " must be a path");
            }
        }
    }

    /** The prompt settings CoReLLa's click prompts use, with a history cut to {@code promptTokens}. */
    static PromptConfig promptConfig(int historyItems, int promptTokens) {
        return new PromptConfig(historyItems, promptTokens, "movie", "movies", "watched", "watch");
    }

    public EntropyRouter router() {
        return new EntropyRouter(threshold, budget);
    }

    /** Writes {@code dir/cascade.json} atomically. */
    public void write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        // JSON has no infinity: null is "the router sends nothing".
        if (Double.isInfinite(threshold)) {
            o.putNull("threshold");
        } else {
            o.put("threshold", threshold);
        }
        o.put("budget", budget);
        o.putObject("crm_calibration").put("scale", crmCalibration.scale()).put("shift", crmCalibration.shift());
        o.putObject("llm_calibration").put("scale", llmCalibration.scale()).put("shift", llmCalibration.shift());
        o.put("history_items", historyItems);
        o.put("min_history", minHistory);
        o.put("prompt_tokens", promptTokens);
        o.put("prompt_style", style.name().toLowerCase(java.util.Locale.ROOT));
        o.put("cold_probability", coldProbability);
        o.put("llm_dir", llmDir);
        o.put("split_dir", splitDir);
        o.put("adapter_dir", adapterDir);
        o.put("crm_file", crmFile);
        AtomicFile.writeString(dir.resolve(FILE_NAME), json.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    /** Reads a cascade file; an unknown format or version, or a bad field, is refused naming the file and field. */
    public static CascadeFile read(Path file) throws IOException {
        JsonNode o;
        try {
            o = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            if (o == null || !o.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            if (!FORMAT.equals(o.path("format").asText())) {
                throw new IllegalArgumentException("format must be " + FORMAT + ", got " + o.get("format"));
            }
            if (o.path("version").asInt(-1) != VERSION) {
                throw new IllegalArgumentException("version " + o.get("version") + " is not supported (this Tandem reads "
                        + VERSION + ")");
            }
            JsonNode t = field(o, "threshold");
            double threshold = t.isNull() ? Double.POSITIVE_INFINITY : SettingsFile.doubleValue(t, "threshold");
            String style = SettingsFile.textValue(field(o, "prompt_style"), "prompt_style");
            if (!style.equals("text_only") && !style.equals("id_tokens")) {
                throw new IllegalArgumentException("prompt_style must be text_only or id_tokens, got " + style);
            }
            return new CascadeFile(threshold, SettingsFile.doubleValue(field(o, "budget"), "budget"),
                    platt(o, "crm_calibration"), platt(o, "llm_calibration"),
                    SettingsFile.intValue(field(o, "history_items"), "history_items"),
                    SettingsFile.intValue(field(o, "min_history"), "min_history"),
                    SettingsFile.intValue(field(o, "prompt_tokens"), "prompt_tokens"),
                    PromptStyle.valueOf(style.toUpperCase(java.util.Locale.ROOT)),
                    (float) SettingsFile.doubleValue(field(o, "cold_probability"), "cold_probability"),
                    text(o, "llm_dir"), text(o, "split_dir"), text(o, "adapter_dir"), text(o, "crm_file"));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return v;
    }

    private static String text(JsonNode o, String key) {
        return SettingsFile.textValue(field(o, key), key);
    }

    private static PlattScaling platt(JsonNode o, String key) {
        JsonNode p = field(o, key);
        try {
            return new PlattScaling(SettingsFile.doubleValue(field(p, "scale"), "scale"),
                    SettingsFile.doubleValue(field(p, "shift"), "shift"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "." + e.getMessage(), e);
        }
    }
}
