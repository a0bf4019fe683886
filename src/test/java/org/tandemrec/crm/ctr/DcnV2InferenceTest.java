package org.tandemrec.crm.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/** The plain-Java forward pass gives the native one's logits, for every cross kind and structure. */
class DcnV2InferenceTest {
    static {
        CtrTestData.useOneEngineThread();
    }

    private static final int USERS = 40;
    private static final int ITEMS = 30;

    /**
     * Features with gaps: every fifth item has no category, every third user lacks the "group"
     * field and every seventh has no profile at all (id 0, "missing").
     */
    private static CtrFeatures features() {
        List<ItemInfo> info = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            List<String> cats = i % 5 == 0 ? List.of() : i % 2 == 0 ? List.of(CtrTestData.CATS[i % 3])
                    : List.of(CtrTestData.CATS[i % 3], CtrTestData.CATS[(i + 1) % 3]);
            info.add(new ItemInfo("item " + i, cats, ""));
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            profiles.add(new UserProfile(u % 7 == 0 ? Map.of() : u % 3 == 0 ? Map.of("likes", CtrTestData.CATS[u % 3])
                    : Map.of("likes", CtrTestData.CATS[u % 3], "group", "g" + (u % 4))));
        }
        return CtrFeatures.encode(USERS, ITEMS, info, profiles);
    }

    /** Random rows: histories from empty to twice H long (only the last H count). */
    private static CtrExamples rows(int n, int historyLength, SplittableRandom r) {
        int[] us = new int[n];
        int[] is = new int[n];
        int[][] hs = new int[n][];
        float[] ys = new float[n];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(USERS);
            is[k] = r.nextInt(ITEMS);
            hs[k] = r.ints(k % 4 == 0 ? 0 : r.nextInt(1, 2 * historyLength + 1), 0, ITEMS).toArray();
            ys[k] = (is[k] + us[k]) % 3 == 0 ? 1f : 0f;
        }
        return new CtrExamples(us, is, hs, ys);
    }

    private static DcnV2 trained(DcnV2Config c) {
        CtrFeatures f = features();
        CtrExamples train = rows(600, c.historyLength(), new SplittableRandom(5));
        int[][] latest = new int[USERS][];
        for (int u = 0; u < USERS; u++) {
            latest[u] = u % 6 == 0 ? new int[0] : new int[] {u % ITEMS, (u * 7) % ITEMS, (u * 11) % ITEMS};
        }
        return DcnV2.fit(f, train, latest, c, TrainConfig.builder().epochs(2).batchSize(64).learningRate(0.02).seed(3)
                .build(), TrainHooks.none(), null);
    }

    private static void assertMatchesNative(DcnV2 model) {
        DcnV2Inference plain = DcnV2Inference.of(model);
        CtrExamples e = rows(500, model.config().historyLength(), new SplittableRandom(17));
        float[] expected = model.logits(e.users(), e.items(), e.histories());
        float[] got = plain.logits(e.users(), e.items(), e.histories());
        double spread = 0;
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], got[k], 1e-5 * Math.max(1, Math.abs(expected[k])), "row " + k);
            spread = Math.max(spread, Math.abs(expected[k] - expected[0]));
        }
        assertTrue(spread > 1e-3, "a trained model's logits differ between rows");
        // One user's items with one history (more than a block of rows): the user's fields are built once.
        int[] items = IntStream.range(0, 37).map(i -> (i * 7) % ITEMS).toArray();
        int[] history = e.histories()[1];
        int[] users = new int[items.length];
        Arrays.fill(users, 7);
        int[][] hs = new int[items.length][];
        Arrays.fill(hs, history);
        assertArrayEquals(model.logits(users, items, hs), plain.logits(7, items, history), 1e-5f);
        assertEquals(0, plain.logits(7, new int[0], history).length);
    }

    @Test
    void fullRankStackedMatchesTheNativeForward() {
        assertMatchesNative(trained(new DcnV2Config(8, 2, DcnV2Config.CrossKind.FULL, 4, 2, List.of(16, 8),
                DcnV2Config.Structure.STACKED, 5, 0.05)));
    }

    @Test
    void lowRankMixtureParallelMatchesTheNativeForward() {
        assertMatchesNative(trained(new DcnV2Config(8, 2, DcnV2Config.CrossKind.LOW_RANK_MIXTURE, 3, 3, List.of(16),
                DcnV2Config.Structure.PARALLEL, 4, 0.05)));
    }

    @Test
    void withoutDeepLayersMatchesTheNativeForward() {
        assertMatchesNative(trained(new DcnV2Config(4, 1, DcnV2Config.CrossKind.FULL, 2, 2, List.of(),
                DcnV2Config.Structure.PARALLEL, 3, 0.05)));
        assertMatchesNative(trained(new DcnV2Config(4, 2, DcnV2Config.CrossKind.LOW_RANK_MIXTURE, 2, 2, List.of(),
                DcnV2Config.Structure.STACKED, 3, 0.05)));
    }

    @Test
    void refusesIdsOutsideTheModel() {
        DcnV2Inference plain = DcnV2Inference.of(trained(new DcnV2Config(4, 1, DcnV2Config.CrossKind.FULL, 2, 2,
                List.of(4), DcnV2Config.Structure.STACKED, 3, 0.05)));
        assertEquals("dcnv2: user index 40 outside [0,40)",
                assertThrows(IllegalArgumentException.class, () -> plain.logits(USERS, new int[] {0}, new int[0])).getMessage());
        assertEquals("dcnv2: item index -1 outside [0,30)",
                assertThrows(IllegalArgumentException.class, () -> plain.logits(0, new int[] {-1}, new int[0])).getMessage());
        assertEquals("dcnv2: history item 30 outside [0,30)",
                assertThrows(IllegalArgumentException.class, () -> plain.logits(0, new int[] {1}, new int[] {30})).getMessage());
    }

    /**
     * The layers add four inputs per pass over the outputs: each output must still get its terms
     * one at a time in input order, skipping zero inputs, so the logits are those of one pass per
     * input to the bit (the server's answers do not change with the kernel).
     */
    @Test
    void linearSumsEqualOnePassPerInputToTheBit() {
        SplittableRandom r = new SplittableRandom(11);
        for (int inputs : new int[] {1, 3, 4, 7, 16, 33}) {
            int outputs = 1 + r.nextInt(40);
            float[][] w = new float[inputs][outputs];
            for (float[] row : w) {
                for (int j = 0; j < outputs; j++) {
                    row[j] = (float) r.nextGaussian();
                }
            }
            float[] b = new float[outputs];
            for (int j = 0; j < outputs; j++) {
                b[j] = (float) r.nextGaussian();
            }
            int rows = 5;
            float[][] in = new float[rows][inputs];
            for (float[] x : in) {
                for (int i = 0; i < inputs; i++) {
                    // Every pattern of zeros among four inputs occurs, negative zero included.
                    int kind = r.nextInt(4);
                    x[i] = kind == 0 ? 0f : kind == 1 ? -0f : (float) (r.nextGaussian() * 1e3);
                }
            }
            for (float[] bias : new float[][] {b, null}) {
                float[][] got = new float[rows][outputs];
                DcnV2Inference.linear(in, rows, w, bias, got);
                for (int k = 0; k < rows; k++) {
                    float[] y = bias == null ? new float[outputs] : bias.clone();
                    for (int i = 0; i < inputs; i++) {
                        if (in[k][i] != 0f) {
                            for (int j = 0; j < outputs; j++) {
                                y[j] += in[k][i] * w[i][j];
                            }
                        }
                    }
                    for (int j = 0; j < outputs; j++) {
                        assertEquals(Float.floatToRawIntBits(y[j]), Float.floatToRawIntBits(got[k][j]),
                                inputs + " inputs, row " + k + ", output " + j);
                    }
                }
            }
        }
    }
}
