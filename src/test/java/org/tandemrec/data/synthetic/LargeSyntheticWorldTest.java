package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tandemrec.data.InteractionTable;

/** A million-interaction world generates (in well under a second here; timing is reported, not asserted). */
class LargeSyntheticWorldTest {
    @Test
    void millionInteractionWorld() {
        SyntheticConfig config = SyntheticConfig.defaults().withSize(20_000, 10_000);
        long t0 = System.nanoTime();
        SyntheticWorld world = SyntheticWorld.generate(config);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        InteractionTable t = world.dataset().interactions();
        SyntheticStats stats = world.stats();
        System.out.println("1M synthetic world in " + millis + " ms: " + stats);
        assertEquals(1_000_000, t.size(), 20_000);
        assertEquals(20_000, world.dataset().numUsers());
        assertEquals(10_000, world.dataset().numItems());
        assertEquals("u00001", world.dataset().users().raw(0));
        assertEquals("i10000", world.dataset().items().raw(9999));
        assertTrue(stats.meanColdInteractions() * 20 < stats.meanWarmInteractions(), stats.toString());
        assertTrue(stats.oracleAuc() > 0.78, stats.toString());
    }
}
