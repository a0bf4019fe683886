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
    void recboleDirectoryWithItemAndUserFiles() throws Exception {
        Path rb = Files.createDirectories(dir.resolve("ml-100k"));
        Files.writeString(rb.resolve("ml-100k.inter"), "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                + "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t377\t5\t881250950\n");
        Files.writeString(rb.resolve("ml-100k.item"), "item_id:token\tmovie_title:token_seq\trelease_year:token\t"
                + "class:token_seq\n242\tKolya\t1996\tComedy\n302\tL.A. Confidential\t1997\tCrime Film-Noir\n"
                + "1\tToy Story\t1995\tAnimation Children's Comedy\n");
        Files.writeString(rb.resolve("ml-100k.user"), "user_id:token\tage:token\tgender:token\toccupation:token\t"
                + "zip_code:token\n196\t49\tM\twriter\t55105\n186\t39\tF\texecutive\t00000\n22\t25\tM\twriter\t40206\n");
        assertEquals(0, run("data", "stats", "--format", "recbole", rb.toString(), "--label-rule", ">=3", "--json"),
                err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals("ml-100k", j.get("name").asText());
        assertEquals(3, j.get("users").asInt());
        assertEquals(3, j.get("items").asInt());
        assertEquals(4, j.get("interactions").asInt());
        assertEquals(3, j.get("positives").asInt());
        assertEquals(1, j.get("items_without_info").asInt(), "item 377 has no .item row");
        assertEquals(1, j.get("dropped_item_rows").asInt(), "Toy Story has no interactions");
        assertEquals(0, j.get("users_without_profile").asInt());
    }

    @Test
    void csvWithItemAndUserSideFiles() throws Exception {
        Path f = Files.writeString(dir.resolve("r.csv"), "user,item\nu1,a\nu2,b\nu1,b\n");
        Path items = Files.writeString(dir.resolve("items.csv"), "id,title,categories\na,Alpha,x|y\nb,Beta,y\nc,Gamma,z\n");
        Path users = Files.writeString(dir.resolve("users.csv"), "uid,country\nu2,NZ\n");
        assertEquals(0, run("data", "stats", "--format", "csv", f.toString(), "--user-col", "user", "--item-col", "item",
                "--rating-col", "none", "--timestamp-col", "none", "--items", items.toString(), "--items-id-col", "id",
                "--users", users.toString(), "--users-id-col", "uid"), err.toString());
        String s = out.toString();
        assertTrue(s.matches("(?s).*items without info\\s+0 \\(item side rows without interactions: 1\\)\\n.*"), s);
        assertTrue(s.matches("(?s).*users without profile\\s+1 \\(user side rows without interactions: 0\\)\\n.*"), s);
    }

    @Test
    void malformedDataIsOneLineNamingFileLineAndField() throws Exception {
        Path inter = Files.writeString(dir.resolve("x.inter"), "user_id:token\titem_id:token\trating:float\nu\ti\t4\n"
                + "u\tj\tgood\n");
        assertEquals(1, run("data", "stats", "--format", "recbole", inter.toString()), "bad data exits 1");
        assertEquals("tandem: " + inter + ":3: field 'rating': expected a number, got 'good'\n",
                err.toString().replace("\r", ""));

        Path csv = Files.writeString(dir.resolve("r.csv"), "user_id,item_id,rating,timestamp\nu,i,4,1\n");
        Path items = Files.writeString(dir.resolve("items.csv"), "item_id,title\ni,One\ni,Again\n");
        err.getBuffer().setLength(0);
        assertEquals(1, run("data", "stats", "--format", "csv", csv.toString(), "--items", items.toString()));
        assertEquals("tandem: " + items + ":3: field 'item_id': duplicate id 'i' (first on line 2)\n",
                err.toString().replace("\r", ""));

        err.getBuffer().setLength(0);
        assertEquals(2, run("data", "stats", "--format", "recbole", inter.toString(), "--items", items.toString()),
                "a usage error exits 2");
        assertEquals("tandem: --items and --users are side files of --format csv; recbole reads its own\n",
                err.toString().replace("\r", ""));
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals(2, run("data", "stats", "--format", "nope", "x"));
        assertEquals("tandem: unknown data set format 'nope', expected one of ml-100k, ml-1m, amazon, csv, recbole, tandem\n",
                err.toString().replace("\r", ""));
        assertEquals(2, run("data"));
        // A missing data file is a bad file, not a bad command line.
        assertEquals(1, run("data", "stats", "--format", "csv", dir.resolve("missing.csv").toString()));
    }
}
