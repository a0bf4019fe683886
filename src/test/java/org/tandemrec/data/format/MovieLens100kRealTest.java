package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.DatasetStats;
import org.tandemrec.data.LabelRule;

/** The real MovieLens 100K, when present next to the project (it is never part of it). */
class MovieLens100kRealTest {
    static final Path ML100K = Fixtures.movieLens100k();

    @Test
    void sizesMatchTheDataSetsReadme() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(ML100K), "MovieLens 100K not available");
        Dataset d = DatasetFormat.ML_100K.load(ML100K, LoadOptions.defaults());
        assertEquals(943, d.numUsers());
        assertEquals(1682, d.numItems());
        assertEquals(100_000, d.interactions().size());
        assertEquals("Toy Story (1995)", d.itemInfo().get(d.items().index("1")).title());
        assertTrue(d.itemInfo().get(d.items().index("1")).categories().contains("Animation"));
        // The README says every user rated at least 20 movies.
        DatasetStats s = DatasetStats.of(d, LabelRule.atLeast(4));
        assertEquals(20.0, s.perUser().min());
        assertEquals(1 - 100_000.0 / (943.0 * 1682.0), s.sparsity(), 1e-12);
    }
}
