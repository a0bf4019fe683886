package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import org.tandemrec.eval.RunInfo;
import org.tandemrec.eval.RunResults;

class ReportCommandTest {
    @TempDir
    Path dir;

    private static RunResults results() {
        return new RunResults(new RunInfo("small", Instant.parse("2026-12-04T12:00:00Z"), "test", Map.of("seed", "1")),
                List.of(new MetricRecord("ctr", "dcnv2", "all", Map.of("auc", 0.7321), 100)), List.of(),
                Map.of("dcnv2", Map.of("dim", "16")));
    }

    @Test
    void rebuildsTheReportFromMetricsAloneIntoTheRunOrAnotherFile() throws Exception {
        MetricsFile.write(dir.resolve(MetricsFile.FILE_NAME), results());
        RunDirectory.markComplete(dir);
        Files.writeString(dir.resolve(HtmlReport.FILE_NAME), "stale");
        CliRun r = CliRun.of("report", dir.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(dir.resolve(HtmlReport.FILE_NAME));
        assertEquals(HtmlReport.render(results()), html, "the same page the run would write");
        assertTrue(html.contains("0.7321") && html.contains("<summary>dcnv2 (1 setting)</summary>"));
        assertEquals(dir.resolve(HtmlReport.FILE_NAME).toString(), r.out().strip());

        Path other = dir.resolve("elsewhere.html");
        assertEquals(0, CliRun.of("report", dir.toString(), "--out", other.toString()).code());
        assertEquals(html, Files.readString(other));
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "COMPLETE, metrics.json, report.html, elsewhere.html: no temporary file left");
        }
    }

    @Test
    void refusesAMissingOrUnknownMetricsFileInOneLine() throws Exception {
        CliRun missing = CliRun.of("report", dir.toString());
        assertEquals(1, missing.code(), "a run directory without its results is bad input: " + missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("holds no metrics.json"), missing.err());
        assertFalse(Files.exists(dir.resolve(HtmlReport.FILE_NAME)));

        Path metrics = dir.resolve(MetricsFile.FILE_NAME);
        RunDirectory.markComplete(dir);
        Files.writeString(metrics, MetricsFile.toJson(results()).replace("\"version\" : 2", "\"version\" : 9"));
        CliRun unknown = CliRun.of("report", dir.toString());
        assertEquals(1, unknown.code(), "a file of another version is bad data: " + unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        assertTrue(unknown.err().contains(metrics + ":1: field 'version': unsupported version 9"), unknown.err());
        assertFalse(unknown.err().contains("Exception"), "no Java class name: " + unknown.err());
        assertFalse(Files.exists(dir.resolve(HtmlReport.FILE_NAME)));
    }

    @Test
    void refusesARunWithoutItsCompletionMarkerInOneLine() throws Exception {
        MetricsFile.write(dir.resolve(MetricsFile.FILE_NAME), results());
        CliRun r = CliRun.of("report", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(dir + ": no COMPLETE marker: the run did not finish (resume it with the command that wrote it and"
                + " --resume)", r.err().strip().replaceFirst("^tandem: ", ""));
        assertFalse(Files.exists(dir.resolve(HtmlReport.FILE_NAME)), "nothing written for an unfinished run");
        Files.writeString(dir.resolve("experiment.yaml"), "name: x\n");
        r = CliRun.of("report", dir.toString());
        assertTrue(r.err().contains("resume it with tandem run EXPERIMENT --out " + dir + " --resume"), r.err());
    }
}
