package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.eval.Curve;

class EpochLogTest {
    @TempDir
    Path dir;

    @Test
    void epochsLoggedThroughTheHooksReadBackAsCurvesAResumedEpochWinning() {
        EpochLog log = new EpochLog(dir.resolve("epochs.tsv"));
        TrainHooks.EpochListener l = log.hooks(TrainHooks.none()).epochs();
        l.epochEnd(0, 0.7, 0.61);
        l.epochEnd(1, 0.6, 0.64);
        l.epochEnd(1, 0.55, 0.66); // the same epoch again after a resume: the later line wins
        l.epochEnd(2, Double.NaN, Double.NaN);
        List<Curve> curves = log.curves("stage 1: ", "dcnv2", 5, "auc");
        assertEquals(2, curves.size());
        Curve train = curves.get(0);
        assertEquals("stage 1: training loss by epoch", train.group());
        assertEquals("dcnv2", train.name());
        assertArrayEquals(new double[] {0, 1}, train.x(), "epochs without a finite value are left out");
        assertArrayEquals(new double[] {0.7, 0.55}, train.y());
        Curve valid = curves.get(1);
        assertEquals("stage 1: validation auc by epoch", valid.group());
        assertEquals("auc", valid.yLabel());
        assertArrayEquals(new double[] {0.61, 0.66}, valid.y());
        assertEquals(1, log.curves("", "dcnv2", 5, null).size(), "no validation metric, no validation curve");
        log.delete();
        assertEquals(List.of(), log.curves("", "dcnv2", 5, "auc"));
    }
}
