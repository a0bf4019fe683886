package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticConfigTest {
    @Test
    void defaultsDescribeTheEmbeddedWorld() {
        SyntheticConfig c = SyntheticConfig.defaults();
        assertEquals(2000, c.users());
        assertEquals(1500, c.items());
        assertEquals(100_000, c.targetInteractions());
        assertEquals(300, c.coldItems());
        assertTrue(c.topics() <= TopicCatalog.size());
    }

    @Test
    void withSizeKeepsInteractionsPerUser() {
        SyntheticConfig c = SyntheticConfig.defaults().withSize(20_000, 10_000);
        assertEquals(1_000_000, c.targetInteractions());
        assertEquals(2000, c.coldItems());
        assertEquals(7L, c.withSeed(7).seed());
        assertEquals(1_000_000, c.withSeed(7).targetInteractions());
    }

    @Test
    void invalidFieldsAreNamed() {
        SyntheticConfig d = SyntheticConfig.defaults();
        assertMessage("users must be > 0, got 0", () -> d.withSize(0, 1500));
        assertMessage("items must be >= 2, got 1", () -> d.withSize(10, 1));
        assertMessage("targetInteractions must be > 0, got 0", () -> d.withTargetInteractions(0));
        assertMessage("targetInteractions must be <= users * warm items / 4", () -> d.withTargetInteractions(700_000));
        // a small catalog keeps the matrix sparse rather than the mean per user: capped, not refused
        SyntheticConfig small = d.withSize(300, 200);
        int warm = 200 - SyntheticConfig.coldItems(200, d.coldItemShare());
        assertEquals(300L * (warm / 2) / 2, small.targetInteractions());
        assertEquals(Math.round((double) d.targetInteractions() / d.users() * 300), d.withSize(300, 1500).targetInteractions(),
                "a catalog large enough keeps the mean per user");
        assertMessage("topics must be in [2,16], got 17", () -> new SyntheticConfig(1, 10, 100, 17, 100, 1, 0.5,
                0.2, 1, 1, 10, 0.5, 0.3, 0, 100_000, 0.2, 0.4, 5, 1, 1, 0, 1, 0.5, 2, 1, 1));
        assertMessage("coldItemShare must be in [0,1), got 1.0", () -> new SyntheticConfig(1, 10, 100, 4, 100, 1,
                0.5, 1.0, 1, 1, 10, 0.5, 0.3, 0, 100_000, 0.2, 0.4, 5, 1, 1, 0, 1, 0.5, 2, 1, 1));
        assertMessage("durationSeconds must be >= 10 * items = 1000", () -> new SyntheticConfig(1, 10, 100, 4, 100,
                1, 0.5, 0.2, 1, 1, 10, 0.5, 0.3, 0, 999, 0.2, 0.4, 5, 1, 1, 0, 1, 0.5, 2, 1, 1));
        assertMessage("tasteConcentration must be > 0", () -> new SyntheticConfig(1, 10, 100, 4, 100, 1, 0.5,
                0.2, 1, 1, 10, 0.5, 0.3, 0, 100_000, 0, 0.4, 5, 1, 1, 0, 1, 0.5, 2, 1, 1));
        assertMessage("tasteExposure must be in [0,1], got 1.5", () -> new SyntheticConfig(1, 10, 100, 4, 100, 1,
                0.5, 0.2, 1, 1, 10, 1.5, 0.3, 0, 100_000, 0.2, 0.4, 5, 1, 1, 0, 1, 0.5, 2, 1, 1));
        assertMessage("ratingNoise must be >= 0 and finite, got -1.0", () -> new SyntheticConfig(1, 10, 100, 4, 100,
                1, 0.5, 0.2, 1, 1, 10, 0.5, 0.3, 0, 100_000, 0.2, 0.4, 5, 1, 1, 0, -1, 0.5, 2, 1, 1));
        assertMessage("coldMeanInteractions 10.0 x 20 cold items exceeds half of targetInteractions 100",
                () -> new SyntheticConfig(1, 10, 100, 4, 100, 1, 0.5, 0.2, 10, 1, 10, 0.5, 0.3, 0, 100_000, 0.2,
                        0.4, 5, 1, 1, 0, 1, 0.5, 2, 1, 1));
    }

    private static void assertMessage(String expectedPrefix, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(expectedPrefix), () -> "message was: " + e.getMessage());
    }
}
