package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import picocli.CommandLine;

class DataStatsCommandTest {
    static final Path ML100K = Fixtures.movieLens100k();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void tableOnMovieLens100k() {
        Assumptions.assumeTrue(Files.isDirectory(ML100K), "MovieLens 100K not available");
        assertEquals(0, run("data", "stats", "--format", "ml-100k", ML100K.toString(), "--label-rule", ">=4"), err.toString());
        String s = out.toString();
        assertTrue(s.matches("(?s).*users\\s+943\\n.*"), s);
        assertTrue(s.matches("(?s).*items\\s+1682\\n.*"), s);
        assertTrue(s.matches("(?s).*interactions\\s+100000\\n.*"), s);
        // 55,375 ratings of 4 or 5 in u.data (counted with awk '$3>=4').
        assertTrue(s.contains("55375 (55.38%"), s);
    }

    @Test
    void jsonWithKCore() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(ML100K), "MovieLens 100K not available");
        assertEquals(0, run("data", "stats", "--format", "ml-100k", ML100K.toString(), "--kcore", "5", "--json"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertTrue(j.get("items").asInt() < 1682);
        assertTrue(j.get("interactions_per_item").get("min").asDouble() >= 5);
        assertTrue(j.get("interactions_per_user").get("min").asDouble() >= 5);
        assertEquals(1.0, j.get("positive_share").asDouble());
    }

    @Test
    void csvOptionsAndSkippedLines() throws Exception {
        Path f = dir.resolve("x.tsv");
        Files.writeString(f, "u1\ti1\n u2\ti1\nu2\n");
        assertEquals(0, run("data", "stats", "--format", "csv", f.toString(), "--delimiter", "tab", "--no-header",
                "--user-col", "0", "--item-col", "1", "--rating-col", "none", "--timestamp-col", "none",
                "--skip-bad-lines", "--json"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals(2, j.get("users").asInt());
        assertEquals(1, j.get("items").asInt());
        assertEquals(1, j.get("skipped_lines").asInt());
        assertEquals(0.0, j.get("sparsity").asDouble(), 1e-12);
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals(2, run("data", "stats", "--format", "nope", "x"));
        assertEquals("tandem: unknown data set format 'nope', expected one of ml-100k, ml-1m, amazon, csv, tandem\n",
                err.toString().replace("\r", ""));
        assertEquals(2, run("data"));
        assertEquals(2, run("data", "stats", "--format", "csv", dir.resolve("missing.csv").toString()));
    }
}
