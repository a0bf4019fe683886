package org.tandemrec.collab.bdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.SyntheticClusters;
import org.tandemrec.crm.cf.LightGcn;
import org.tandemrec.crm.cf.LightGcnConfig;
import org.tandemrec.crm.cf.Ncf;
import org.tandemrec.crm.cf.NcfConfig;
import org.tandemrec.llm.VocabularyExtension;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * The feature-enhanced CRM starts from its CRM's own score whatever the CRM: through the tables'
 * inner product for LightGCN's vectors (rescaled), through the score as an input for NeuMF or for
 * vectors projected to the LLM's size.
 */
class IdTokenRowsTest {
    private static SyntheticClusters world;
    private static LightGcn lightGcn;
    private static Ncf neuMf;

    @BeforeAll
    static void models() {
        world = new SyntheticClusters(40, 30, 3, 6, 7);
        TrainConfig tc = TrainConfig.builder().epochs(3).batchSize(32).learningRate(0.01).seed(3).build();
        lightGcn = LightGcn.fit(world.train, LightGcnConfig.of(8, 2, 1e-4), tc, TrainHooks.none(), null);
        neuMf = Ncf.fit(world.train, NcfConfig.neuMf(8), tc, TrainHooks.none(), null);
    }

    private static VocabularyExtension rows(Recommender crm, int hidden) {
        float[][] u = crm.userEmbeddings();
        float[][] i = crm.itemEmbeddings();
        float[][] v = new float[u.length + i.length][];
        System.arraycopy(u, 0, v, 0, u.length);
        System.arraycopy(i, 0, v, u.length, i.length);
        return VocabularyExtension.fromVectors(IdTokens.all(u.length, i.length), v, hidden, 0.02, true, 5);
    }

    /** With the hidden layer's output at zero, the network's probabilities are the CRM's (as logits: σ of them). */
    private static void assertStartsFromTheCrm(Recommender crm, FeatureEnhancedCrm net) {
        java.util.Arrays.fill(net.parameters().get("drs.w2").value(), 0f);
        SplittableRandom r = new SplittableRandom(11);
        int n = 50;
        int[] us = new int[n];
        int[] is = new int[n];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(crm.numUsers());
            is[k] = r.nextInt(crm.numItems());
        }
        float[] p = net.predict(new DrsExamples(us, is, new float[n], new float[n * net.featureSize()],
                net.featureSize()));
        float[] s = crm.score(us, is);
        for (int k = 0; k < n; k++) {
            double expected = crm.scoreKind() == Recommender.ScoreKind.PROBABILITY ? s[k] : 1 / (1 + Math.exp(-s[k]));
            assertEquals(expected, p[k], 2e-4 * (1 + Math.abs(expected)), "pair " + k);
        }
    }

    @Test
    void lightGcnScoresByTheInnerProductNeuMfDoesNot() {
        assertTrue(IdTokenRows.scoresByInnerProduct(lightGcn));
        assertFalse(IdTokenRows.scoresByInnerProduct(neuMf));
    }

    /** LightGCN's vectors rescaled to the vocabulary: the inner-product term with weight 1/f², no score input. */
    @Test
    void rescaledLightGcnVectorsStartThroughTheInnerProduct() {
        VocabularyExtension rows = rows(lightGcn, 8);
        FeatureEnhancedCrm net = IdTokenRows.featureEnhanced(lightGcn, rows, 4, 6, 1);
        assertFalse(net.readsCrmScore());
        assertStartsFromTheCrm(lightGcn, net);
    }

    /** NeuMF's vectors at the same size: its score is not their inner product, so it is the input. */
    @Test
    void neuMfStartsFromItsScoreAsAnInput() {
        VocabularyExtension rows = rows(neuMf, neuMf.userEmbeddings()[0].length);
        FeatureEnhancedCrm net = IdTokenRows.featureEnhanced(neuMf, rows, 4, 6, 1);
        assertTrue(net.readsCrmScore());
        assertStartsFromTheCrm(neuMf, net);
    }

    /** LightGCN's vectors projected to a larger size lose their inner products: its score is the input. */
    @Test
    void projectedVectorsStartFromTheScoreAsAnInput() {
        FeatureEnhancedCrm net = IdTokenRows.featureEnhanced(lightGcn, rows(lightGcn, 16), 4, 6, 1);
        assertTrue(net.readsCrmScore());
        assertEquals(16, net.dim());
        assertStartsFromTheCrm(lightGcn, net);
    }
}
