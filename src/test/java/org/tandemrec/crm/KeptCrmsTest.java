package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.data.synthetic.SyntheticWorld;
import org.tandemrec.eval.Curve;
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;

/** A run's CRM is trained once: kept under its settings' name, loaded when resuming, refused on other ids. */
class KeptCrmsTest {
    @TempDir
    Path tmp;

    /** A leave-one-out split of a small world; worlds with other user counts have other ids. */
    private static SplitData split(Path dir, int users) throws Exception {
        Dataset d = SyntheticWorld.generate(SyntheticConfig.defaults().withSeed(11).withSize(users, 90, 1000)).dataset();
        return SplitPlan.run(d, SplitSource.implicitData("world"), SplitConfig.defaults().withSeed(11)
                .withSampler(SplitConfig.SamplerKind.POPULARITY), dir);
    }

    private static CrmSpec spec() {
        CrmSpec d = CrmSpec.defaults("mf-bpr");
        return new CrmSpec("mf-bpr", 8, d.train().toBuilder().epochs(2).seed(3).build(), d.options());
    }

    private static float[] scores(Recommender r) {
        int n = r.numUsers() * 4;
        int[] users = new int[n];
        int[] items = new int[n];
        for (int k = 0; k < n; k++) {
            users[k] = k / 4;
            items[k] = (k * 7) % r.numItems();
        }
        return r.score(users, items);
    }

    @Test
    void aResumedRunLoadsTheKeptModelAndItsCurves() throws Exception {
        Path splitDir = tmp.resolve("split");
        SplitData split = split(splitDir, 60);
        Path run = tmp.resolve("run");
        List<String> lines = new ArrayList<>();
        KeptCrms first = new KeptCrms(run, splitDir, split, false, lines::add);
        Recommender trained = first.trainOrLoad(spec(), false);
        Path file = run.resolve("crms/mf-bpr-d8-e2-s3.bin");
        assertEquals(file, first.file(spec()));
        assertTrue(Files.isRegularFile(file));
        assertTrue(lines.isEmpty(), lines.toString());

        KeptCrms resumed = new KeptCrms(run, splitDir, split, true, lines::add);
        Recommender loaded = resumed.trainOrLoad(spec(), false);
        assertArrayEquals(scores(trained), scores(loaded));
        assertEquals(List.of("mf-bpr: loading " + file), lines);
        List<Curve> curves = resumed.curves(spec());
        assertFalse(curves.isEmpty());
        assertEquals("CRMs: training loss by epoch", curves.get(0).group());
        assertEquals(2, curves.get(0).x().length);
    }

    @Test
    void aResumedRunWithoutAKeptModelTrainsAndKeepsIt() throws Exception {
        Path splitDir = tmp.resolve("split");
        SplitData split = split(splitDir, 60);
        List<String> lines = new ArrayList<>();
        KeptCrms resumed = new KeptCrms(tmp.resolve("run"), splitDir, split, true, lines::add);
        Recommender trained = resumed.trainOrLoad(spec(), false);
        assertTrue(Files.isRegularFile(resumed.file(spec())));
        assertTrue(lines.isEmpty(), lines.toString());
        assertArrayEquals(scores(trained), scores(resumed.trainOrLoad(spec(), false)));
        assertEquals(1, lines.size());
    }

    @Test
    void aKeptModelOfOtherUsersAndItemsIsRefused() throws Exception {
        Path splitDir = tmp.resolve("split");
        new KeptCrms(tmp.resolve("run"), splitDir, split(splitDir, 60), false, line -> { }).trainOrLoad(spec(), false);
        Path otherDir = tmp.resolve("other");
        SplitData other = split(otherDir, 70);
        KeptCrms resumed = new KeptCrms(tmp.resolve("run"), otherDir, other, true, line -> { });
        UnusableFileException e = assertThrows(UnusableFileException.class, () -> resumed.trainOrLoad(spec(), false));
        assertTrue(e.getMessage().startsWith(otherDir + ": its users and items are not those"), e.getMessage());
    }
}
