package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;

class MetricsFileTest {
    @TempDir
    Path dir;

    static RunResults sample() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("dataset", "synthetic");
        config.put("seed", "42");
        RunInfo run = new RunInfo("demo", Instant.parse("2026-11-25T11:00:00Z"), "0.1.0", config);
        Map<String, Double> m1 = new LinkedHashMap<>();
        m1.put("auc", 0.7712345678901234);
        m1.put("logloss", 0.5431);
        Map<String, Double> m2 = new LinkedHashMap<>();
        m2.put("hr@10", 0.25);
        m2.put("ndcg@10", 0.125);
        return new RunResults(run, List.of(
                new MetricRecord("ctr", "mf", "all", m1, 20000, "synthetic", "time-80-10-10", 42L),
                new MetricRecord("ctr", "mf", "cold", m1, 300),
                new MetricRecord("topk", "bdlm", "all", m2, 943)));
    }

    @Test
    void roundTripKeepsEveryValue() throws IOException {
        Path file = dir.resolve("metrics.json");
        RunResults r = sample();
        MetricsFile.write(file, r);
        RunResults back = MetricsFile.read(file);
        assertEquals(r, back);
        assertEquals(List.of("auc", "logloss"), List.copyOf(back.results().get(0).metrics().keySet()));
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("tandem-metrics", root.get("format").asText());
        assertEquals(2, root.get("version").asInt());
        assertTrue(root.get("curves") == null, "no curves, no field");
        assertEquals("mf", root.get("results").get(0).get("model").asText());
        assertEquals(20000, root.get("results").get(0).get("count").asLong());
        assertTrue(root.get("results").get(1).get("seed") == null, "absent provenance is omitted");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void refusesUnknownVersionAndFormat() throws IOException {
        Path file = dir.resolve("metrics.json");
        String good = MetricsFile.toJson(sample());
        Files.writeString(file, good.replace("\"version\" : 2", "\"version\" : 3"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> MetricsFile.read(file));
        assertEquals("version", e.field());
        assertTrue(e.getMessage().contains("unsupported version 3"), e.getMessage());
        Files.writeString(file, good.replace("tandem-metrics", "something-else"));
        e = assertThrows(DataFormatException.class, () -> MetricsFile.read(file));
        assertEquals("format", e.field());
        Files.writeString(file, good.replaceFirst("\"auc\" : [0-9.eE-]+", "\"auc\" : \"high\""));
        e = assertThrows(DataFormatException.class, () -> MetricsFile.read(file));
        assertEquals("results[0].metrics.auc", e.field());
    }

    @Test
    void curvesRoundTripAndVersionOneStillReads() throws IOException {
        Path file = dir.resolve("metrics.json");
        RunResults plain = sample();
        RunResults r = new RunResults(plain.run(), plain.results(), List.of(
                new Curve("LLM loss", "bdlm", "step", "loss", new double[] {0, 1, 2}, new double[] {7.5, 6.25, 5.0})));
        MetricsFile.write(file, r);
        RunResults back = MetricsFile.read(file);
        assertEquals(r, back);
        assertEquals(6.25, back.curves().get(0).y()[1]);

        Files.writeString(file, MetricsFile.toJson(plain).replace("\"version\" : 2", "\"version\" : 1"));
        assertEquals(plain, MetricsFile.read(file), "version 1 files (no curves) still read");

        Files.writeString(file, MetricsFile.toJson(r).replace("\"x\" : [ 0.0, 1.0, 2.0 ]", "\"x\" : [ 0.0, 2.0, 1.0 ]"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> MetricsFile.read(file));
        assertEquals("curves[0]", e.field());
        assertTrue(e.getMessage().contains("x must increase"), e.getMessage());
    }

    @Test
    void curvesAreAveragedForCharts() {
        Curve c = new Curve("g", "n", "step", "loss", new double[] {0, 1, 2, 3, 4, 5}, new double[] {6, 4, 3, 1, 2, 2});
        Curve a = c.averagedTo(3);
        assertArrayEquals(new double[] {0.5, 2.5, 4.5}, a.x());
        assertArrayEquals(new double[] {5, 2, 2}, a.y());
        assertSame(c, c.averagedTo(6));
    }

    @Test
    void recordsRefuseNonFiniteValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new MetricRecord("ctr", "mf", "all", Map.of("auc", Double.NaN), 1));
        assertThrows(IllegalArgumentException.class, () -> new MetricRecord("ctr", " ", "all", Map.of(), 1));
    }

    @Test
    void calibrationAndSettingsRoundTripAndFilesWithoutThemStillRead() throws IOException {
        Path file = dir.resolve("metrics.json");
        RunResults plain = sample();
        Calibration cal = Calibration.of(new boolean[] {false, true, true, false, true},
                new float[] {0.05f, 0.35f, 0.31f, 0.32f, 1.0f});
        List<MetricRecord> recs = new java.util.ArrayList<>(plain.results());
        MetricRecord first = recs.get(0);
        recs.set(0, new MetricRecord(first.task(), first.model(), first.segment(), first.metrics(), first.count(),
                first.dataset(), first.split(), first.seed(), cal));
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        settings.put("mf", Map.of("dim", "64", "deep_layers", "[256,128]"));
        RunResults r = new RunResults(plain.run(), recs, List.of(), settings);
        MetricsFile.write(file, r);
        RunResults back = MetricsFile.read(file);
        assertEquals(r, back);
        assertEquals(List.of(0, 3, 9), back.results().get(0).calibration().bins().stream()
                .map(Calibration.Bin::index).toList());
        assertEquals("[256,128]", back.settings().get("mf").get("deep_layers"));
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(3, root.get("results").get(0).get("calibration").get("count").get(1).asInt());
        assertTrue(root.get("results").get(1).get("calibration") == null, "no calibration, no field");

        // A file written before calibration and settings existed reads as it is.
        MetricsFile.write(file, plain);
        RunResults old = MetricsFile.read(file);
        assertEquals(plain, old);
        assertEquals(Map.of(), old.settings());
        assertTrue(old.results().stream().allMatch(x -> x.calibration() == null));

        MetricsFile.write(file, r);
        Files.writeString(file, Files.readString(file).replace("\"observed_rate\" : [ 0.0,", "\"observed_rate\" : [ 1.5,"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> MetricsFile.read(file));
        assertEquals("results[0].calibration", e.field());
        assertTrue(e.getMessage().contains("observed_rate must be in [0, 1], got 1.5"), e.getMessage());
        MetricsFile.write(file, r);
        Files.writeString(file, Files.readString(file).replace("\"settings\" : {", "\"settings\" : { \"bad\" : 3,"));
        e = assertThrows(DataFormatException.class, () -> MetricsFile.read(file));
        assertEquals("settings.bad", e.field());
    }
}
