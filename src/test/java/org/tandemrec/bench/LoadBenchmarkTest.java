package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.format.DatasetFormat;
import org.tandemrec.data.format.LoadOptions;

class LoadBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void generatedFilesLoadToTheSameInteractionsInBothFormats() throws Exception {
        LoadBenchmark b = new LoadBenchmark(5_000, 300, 200, 7L);
        Path csv = dir.resolve("i.csv");
        Path ml = dir.resolve("ml");
        b.writeFiles(csv, ml.resolve("ratings.dat"));
        b.writeMovies(ml.resolve("movies.dat"));
        Dataset a = DatasetFormat.CSV.load(csv, LoadOptions.defaults());
        Dataset m = DatasetFormat.ML_1M.load(ml, LoadOptions.defaults());
        assertEquals(5_000, a.interactions().size());
        assertEquals(5_000, m.interactions().size());
        assertEquals(a.numUsers(), m.numUsers());
        assertEquals(a.numItems(), m.numItems());
        for (int r = 0; r < 5_000; r++) {
            assertEquals(a.users().raw(a.interactions().user(r)), "u" + (Integer.parseInt(m.users().raw(m.interactions().user(r))) - 1));
            assertEquals(a.interactions().value(r), m.interactions().value(r));
            assertEquals(a.interactions().timestamp(r), m.interactions().timestamp(r));
        }
        assertTrue(m.itemInfo().get(0).title().startsWith("Movie number "));
    }
}
