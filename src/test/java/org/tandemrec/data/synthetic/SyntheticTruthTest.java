package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;

class SyntheticTruthTest {
    private static SyntheticTruth truth;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        truth = SyntheticWorld.generate(SyntheticConfig.defaults().withSize(300, 400).withTargetInteractions(6000))
                .truth();
    }

    @Test
    void roundTripKeepsEveryValue() throws IOException {
        Path file = dir.resolve(SyntheticTruth.FILE_NAME);
        truth.save(file);
        SyntheticTruth back = SyntheticTruth.load(file);
        assertEquals(truth.config(), back.config());
        assertArrayEquals(truth.userTasteArray(), back.userTasteArray());
        assertArrayEquals(truth.userBiasArray(), back.userBiasArray());
        assertArrayEquals(truth.itemTopicsArray(), back.itemTopicsArray());
        assertArrayEquals(truth.itemBiasArray(), back.itemBiasArray());
        assertArrayEquals(truth.coldArray(), back.coldArray());
        assertArrayEquals(truth.userStyleArray(), back.userStyleArray());
        assertArrayEquals(truth.itemStyleArray(), back.itemStyleArray());
        assertArrayEquals(truth.itemPopularityArray(), back.itemPopularityArray());
        assertArrayEquals(truth.exposureProbabilities(3, 17), back.exposureProbabilities(3, 17));
        for (int u = 0; u < truth.numUsers(); u += 7) {
            for (int i = 0; i < truth.numItems(); i += 11) {
                assertEquals(truth.probability(u, i), back.probability(u, i), 0);
            }
        }
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file is left behind");
        }
    }

    /**
     * The exposure distribution the truth states is the one the simulator draws from: 400,000
     * draws of one user's next item (before any item and after one of another topic) land on
     * each item with the stated probability, within five standard errors, and the total
     * variation distance is within what sampling alone explains.
     */
    @Test
    void exposureProbabilitiesAreTheSimulatorsDistribution() {
        SyntheticConfig c = truth.config();
        int[] warmByRank = new int[truth.numItems() - truth.coldCount()];
        int[] cold = new int[truth.coldCount()];
        Integer[] warm = new Integer[warmByRank.length];
        for (int i = 0, w = 0, k = 0; i < truth.numItems(); i++) {
            if (truth.isCold(i)) {
                cold[k++] = i;
            } else {
                warm[w++] = i;
            }
        }
        Arrays.sort(warm, (a, b) -> Double.compare(truth.itemPopularityArray()[b], truth.itemPopularityArray()[a]));
        for (int r = 0; r < warm.length; r++) {
            warmByRank[r] = warm[r];
        }
        InteractionSimulator sim = new InteractionSimulator(c, truth, warmByRank, cold);
        int user = 5;
        double[] accept = new double[truth.numItems()];
        sim.styleAcceptance(user, accept);
        boolean[] seen = new boolean[truth.numItems()];
        int previous = 0;
        while (truth.mainTopic(previous) == truth.dominantTopic(user)) {
            previous++;
        }
        for (int prev : new int[] {-1, previous}) {
            double[] p = truth.exposureProbabilities(user, prev);
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-9);
            int draws = 400_000;
            int[] counts = new int[p.length];
            java.util.SplittableRandom rng = new java.util.SplittableRandom(11 + prev);
            int prevTopic = prev < 0 ? -1 : truth.mainTopic(prev);
            for (int d = 0; d < draws; d++) {
                counts[sim.nextItem(user, prevTopic, seen, accept, rng)]++;
            }
            double tv = 0;
            double expectedTv = 0;
            for (int i = 0; i < p.length; i++) {
                double f = counts[i] / (double) draws;
                double se = Math.sqrt(p[i] * (1 - p[i]) / draws);
                assertEquals(p[i], f, 5 * se + 1e-6, "item " + i + " after " + prev);
                tv += Math.abs(f - p[i]) / 2;
                expectedTv += se * Math.sqrt(2 / Math.PI) / 2;
            }
            assertTrue(tv < 1.5 * expectedTv, "total variation " + tv + " vs sampling " + expectedTv);
        }
    }

    /** Style steers exposure: items that match the user's style are met more often, all else equal. */
    @Test
    void styleRaisesExposure() {
        int user = 9;
        double[] p = truth.exposureProbabilities(user, -1);
        double gamma = truth.config().styleExposure();
        for (int i = 0; i < truth.numItems(); i++) {
            for (int j = i + 1; j < Math.min(truth.numItems(), i + 5); j++) {
                if (truth.isCold(i) || truth.isCold(j) || !Arrays.equals(truth.itemTopics(i), truth.itemTopics(j))) {
                    continue;
                }
                double ratio = p[i] / p[j];
                double expected = truth.itemPopularityArray()[i] / truth.itemPopularityArray()[j]
                        * Math.exp(gamma * (truth.styleMatch(user, i) - truth.styleMatch(user, j)));
                assertEquals(expected, ratio, 1e-9 * expected);
            }
        }
        double matched = 0;
        double unmatched = 0;
        for (int i = 0; i < truth.numItems(); i++) {
            if (truth.styleMatch(user, i) > 0) {
                matched += p[i];
            } else {
                unmatched += p[i];
            }
        }
        assertTrue(matched > 2 * unmatched, "exposure to matching styles " + matched + " vs " + unmatched);
    }

    @Test
    void refusesWrongMagic() throws IOException {
        byte[] bytes = saved();
        bytes[0] = 'X';
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("magic", e.field());
    }

    @Test
    void refusesUnknownVersion() throws IOException {
        byte[] bytes = saved();
        int versionAt = TruthFile.MAGIC.length + 4 + TruthFile.FORMAT.length();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(versionAt, 3);
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("version", e.field());
        assertTrue(e.getMessage().contains("unsupported version 3"), e.getMessage());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(versionAt, 1);
        DataFormatException old = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertTrue(old.getMessage().contains("regenerate it with 'tandem data synth'"), old.getMessage());
    }

    @Test
    void refusesWrongFormatName() throws IOException {
        byte[] bytes = saved();
        bytes[TruthFile.MAGIC.length + 4] = 'X';
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("format", e.field());
    }

    @Test
    void refusesTruncatedAndTrailingData() throws IOException {
        byte[] bytes = saved();
        DataFormatException cut = assertThrows(DataFormatException.class,
                () -> SyntheticTruth.load(write(Arrays.copyOf(bytes, bytes.length - 3))));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        DataFormatException header = assertThrows(DataFormatException.class,
                () -> SyntheticTruth.load(write(Arrays.copyOf(bytes, 20))));
        assertTrue(header.getMessage().contains("truncated"), header.getMessage());
        DataFormatException extra = assertThrows(DataFormatException.class,
                () -> SyntheticTruth.load(write(Arrays.copyOf(bytes, bytes.length + 1))));
        assertTrue(extra.getMessage().contains("trailing"), extra.getMessage());
    }

    @Test
    void refusesInvalidColdFlag() throws IOException {
        byte[] bytes = saved();
        long styles = 8L * (truth.numUsers() + truth.numItems()) * truth.config().styleFactors();
        bytes[(int) (bytes.length - 8L * truth.numItems() - styles - 1)] = 7;
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("cold", e.field());
    }

    @Test
    void refusesPopularityThatContradictsTheColdFlags() throws IOException {
        byte[] bytes = saved();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int first = bytes.length - 8 * truth.numItems();
        int cold = 0;
        while (!truth.isCold(cold)) {
            cold++;
        }
        b.putDouble(first + 8 * cold, 0.5);
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("itemPopularity", e.field());
        assertTrue(e.getMessage().contains("cold item " + cold), e.getMessage());
    }

    private byte[] saved() throws IOException {
        Path file = dir.resolve("good.bin");
        truth.save(file);
        return Files.readAllBytes(file);
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        return file;
    }
}
