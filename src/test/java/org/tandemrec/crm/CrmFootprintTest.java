package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandemrec.base.UnusableFileException;

class CrmFootprintTest {
    private static CrmFootprint of(String model, int dim, long users, long items) {
        CrmSpec d = CrmSpec.defaults(model);
        return CrmFootprint.of(new CrmSpec(model, dim, d.train(), d.options()), users, items);
    }

    @Test
    void tablesFollowUsersItemsAndDimension() {
        CrmFootprint lightGcn = of("lightgcn", 64, 2_000_000, 50_000);
        assertEquals(2_050_000L * 64 * 4, lightGcn.tableBytes());
        assertEquals(3 * lightGcn.tableBytes(), lightGcn.heapBytes(), "values and Adam's two moments");
        assertEquals(7 * lightGcn.tableBytes(), lightGcn.diskBytes(), "model.bin and two checkpoints of three copies");
        assertEquals(2 * lightGcn.tableBytes(), of("neumf", 64, 2_000_000, 50_000).tableBytes(), "GMF and MLP tables");
        assertEquals(50_000L * 64 * 4, of("sasrec", 64, 2_000_000, 50_000).tableBytes(), "items only");
        assertEquals(0, of("pop", 64, 2_000_000, 50_000).heapBytes());
    }

    @Test
    void refusesWithBothFiguresBeforeTraining() throws Exception {
        CrmFootprint f = of("lightgcn", 64, 2_000_000, 50_000);
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class, () -> f.checkHeap(1L << 30));
        assertEquals("lightgcn on 2,000,000 users and 50,000 items at dim 64 needs at least 1.47 GiB of Java heap (its"
                + " tables of 0.49 GiB, with Adam's two moments) but 1.00 GiB is free (raise -Xmx with TANDEM_JAVA_OPTS, or"
                + " lower dim)", heap.getMessage());
        f.checkHeap(2L << 30);
        Path out = Path.of("runs/x");
        UnusableFileException disk = assertThrows(UnusableFileException.class, () -> f.checkDisk(out, 1L << 30));
        assertEquals("runs/x: lightgcn writes at least 3.42 GiB (model.bin, and checkpoint.bin twice while it is replaced:"
                + " 7 × its tables of 0.49 GiB) but the disk has 1.00 GiB free", disk.getMessage());
        f.checkDisk(out, 4L << 30);
        of("pop", 64, 2_000_000, 50_000).checkDisk(out, 0);
        assertTrue(CrmFootprint.freeHeapNow() > 0);
    }
}
