package org.tandemrec.crm.cf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.crm.SyntheticClusters;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

class LightGcnTest {
    private static final Path GOLDEN = Fixtures.path("lightgcn-golden.json");

    @Test
    void propagationMatchesTorchGeometricGolden() throws IOException {
        JsonNode g = new ObjectMapper().readTree(GOLDEN.toFile());
        int nu = g.get("num_users").asInt();
        int ni = g.get("num_items").asInt();
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (JsonNode pair : g.get("interactions_user_item")) {
            b.add(pair.get(0).asInt(), pair.get(1).asInt(), 1f, 0);
        }
        float[][] init = matrix(g.get("initial_embeddings_users_then_items"));
        float[][] expected = matrix(g.get("final_embeddings_mean_of_layers_0_to_L"));
        double tol = g.get("tolerance_abs").asDouble();
        for (int threads : new int[] {1, 2}) {
            float[][] out = LightGcn.propagate(b.build(nu, ni), init, g.get("layers").asInt(), threads);
            for (int r = 0; r < expected.length; r++) {
                for (int c = 0; c < expected[r].length; c++) {
                    assertEquals(expected[r][c], out[r][c], tol, "row " + r + " col " + c + " threads " + threads);
                }
            }
        }
    }

    private static float[][] matrix(JsonNode rows) {
        float[][] m = new float[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            m[r] = new float[rows.get(r).size()];
            for (int c = 0; c < m[r].length; c++) {
                m[r][c] = (float) rows.get(r).get(c).asDouble();
            }
        }
        return m;
    }

    @Test
    void learnsClustersBeyondPopularity() {
        SyntheticClusters world = new SyntheticClusters(200, 100, 5, 15, 3);
        TrainConfig tc = TrainConfig.builder().epochs(30).batchSize(512).learningRate(0.01)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).seed(5).build();
        LightGcn model = LightGcn.fit(world.train, LightGcnConfig.of(16, 3, 1e-4), tc, TrainHooks.none(), null);
        double hr = world.hitRateAt10(model);
        double pop = world.hitRateAt10(PopularityRecommender.fit(world.train));
        assertTrue(hr > pop + 0.15, "LightGCN HR@10 " + hr + " vs popularity " + pop);

        // Stale forward (re-propagated every 3 steps) still learns the clusters.
        LightGcn stale = LightGcn.fit(world.train, new LightGcnConfig(16, 3, 1e-4, 0.1, 3), tc, TrainHooks.none(), null);
        double staleHr = world.hitRateAt10(stale);
        assertTrue(staleHr > pop + 0.15, "LightGCN (refreshEvery 3) HR@10 " + staleHr + " vs popularity " + pop);
        assertEquals(16, stale.userEmbeddings()[0].length);
        assertEquals(100, stale.itemEmbeddings().length);
    }
}
