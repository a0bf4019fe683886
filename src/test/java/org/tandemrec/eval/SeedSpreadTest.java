package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedSpreadTest {
    private static MetricRecord r(String model, String segment, long seed, double hr, double ndcg) {
        return MetricRecord.of(new Provenance("topk", model, "synthetic", "loo", seed), segment,
                Map.of("hr@1", hr, "ndcg@5", ndcg), 100, null);
    }

    @Test
    void meanAndSampleDeviationOverSeedsOnAllExamples() {
        List<MetricRecord> records = List.of(
                r("mf-bpr", "all", 1, 0.30, 0.50), r("mf-bpr", "cold-items", 1, 0.9, 0.9),
                r("mf-bpr", "all", 2, 0.34, 0.52), r("mf-bpr", "all", 3, 0.38, 0.57),
                r("pop", "all", 1, 0.10, 0.20));
        List<SeedSpread> s = SeedSpread.of(records);
        assertEquals(1, s.size(), "pop has one seed: no spread");
        SeedSpread mf = s.get(0);
        assertEquals("mf-bpr", mf.model());
        assertEquals(List.of(1L, 2L, 3L), mf.seeds());
        // By hand: hr@1 0.30, 0.34, 0.38 → mean 0.34, deviations ±0.04 and 0 → sd sqrt(0.0032 / 2) = 0.04.
        assertEquals(0.34, mf.mean().get("hr@1"), 1e-12);
        assertEquals(0.04, mf.sd().get("hr@1"), 1e-12);
        // ndcg@5 0.50, 0.52, 0.57 → mean 0.53; squares 0.0009 + 0.0001 + 0.0016 = 0.0026 → sd sqrt(0.0013).
        assertEquals(0.53, mf.mean().get("ndcg@5"), 1e-12);
        assertEquals(Math.sqrt(0.0013), mf.sd().get("ndcg@5"), 1e-12);
        assertEquals(List.of("hr@1", "ndcg@5"), List.copyOf(new java.util.TreeSet<>(mf.mean().keySet())));
    }

    @Test
    void metricsFileAndReportShowTheSpread() throws Exception {
        RunResults results = new RunResults(new RunInfo("seeds", java.time.Instant.parse("2026-12-04T00:00:00Z"), "0.1.0",
                Map.of()), List.of(r("mf-bpr", "all", 1, 0.30, 0.50), r("mf-bpr", "all", 2, 0.34, 0.52),
                r("lightgcn", "all", 1, 0.40, 0.60), r("lightgcn", "all", 2, 0.40, 0.62)));
        com.fasterxml.jackson.databind.JsonNode over = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(MetricsFile.toJson(results)).get("over_seeds");
        assertEquals(2, over.size());
        assertEquals("lightgcn", over.get(1).get("model").asText());
        assertEquals(0.40, over.get(1).get("metrics").get("hr@1").get("mean").asDouble(), 1e-12);
        assertEquals(0.0, over.get(1).get("metrics").get("hr@1").get("sd").asDouble(), 1e-12);
        assertEquals("[1,2]", over.get(0).get("seeds").toString());
        // Read back, the file holds the records; the spread is derived again from them.
        assertEquals(4, MetricsFile.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(MetricsFile.toJson(results)), java.nio.file.Path.of("metrics.json")).results().size());
        String html = HtmlReport.render(results);
        org.junit.jupiter.api.Assertions.assertTrue(html.contains("Over seeds: mean ± standard deviation"));
        org.junit.jupiter.api.Assertions.assertTrue(html.contains("<td class=\"num best\">0.4000 ± 0.0000</td>"), html);
        org.junit.jupiter.api.Assertions.assertTrue(html.contains("<td class=\"num\">0.3200 ± 0.0283</td>"), html);
    }

    @Test
    void recordsOfOneSeedRepeatedAreNotASeedList() {
        List<MetricRecord> records = List.of(r("lightgcn", "all", 42, 0.3, 0.5), r("lightgcn", "all", 42, 0.31, 0.5));
        assertEquals(List.of(), SeedSpread.of(records));
    }
}
