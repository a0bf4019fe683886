package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tandemrec.crm.cf.LightGcn;

/** Model-specific settings and LightGCN's size-aware default batch. */
class CrmSpecTest {
    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(text);
    }

    @Test
    void lightGcnBatchIsNOver64RoundedUpToAPowerOfTwoAtLeast4096() {
        assertEquals(4096, LightGcn.defaultBatchSize(0));
        assertEquals(4096, LightGcn.defaultBatchSize(98_114), "ml-100k keeps 4096");
        assertEquals(4096, LightGcn.defaultBatchSize(64 * 4096));
        assertEquals(8192, LightGcn.defaultBatchSize(64 * 4096 + 1));
        assertEquals(16384, LightGcn.defaultBatchSize(1_000_000), "1M: 62 steps per epoch");
        assertEquals(1 << 25, LightGcn.defaultBatchSize(Integer.MAX_VALUE), "2^31/64 = 2^25");
        for (int n : new int[] {1_000_000, 5_000_000, 20_000_000}) {
            int b = LightGcn.defaultBatchSize(n);
            assertEquals(1, Integer.bitCount(b), "power of two: " + b);
            int half = b / 2;
            assertTrue((n + b - 1) / b <= 64 && (n + half - 1) / half > 64, "the smallest such batch: " + n + " → " + b);
        }
    }

    @Test
    void lightGcnDefaultFollowsTheDataUnlessBatchSizeIsGiven() throws Exception {
        CrmSpec d = CrmSpec.defaults("lightgcn");
        assertTrue(d.options().sizeAwareBatch());
        assertEquals(16384, d.forTrainingRows(1_000_000).train().batchSize());
        assertFalse(d.forTrainingRows(1_000_000).options().sizeAwareBatch());
        CrmSpec given = d.with("test", json("{\"batch_size\": 4096}"));
        assertEquals(4096, given.forTrainingRows(1_000_000).train().batchSize());
        assertEquals(1024, CrmSpec.defaults("mf-bpr").forTrainingRows(1_000_000).train().batchSize());
    }

    @Test
    void modelSettingsApplyToTheirModelsOnly() throws Exception {
        CrmSpec n = CrmSpec.defaults("neumf").with("f.yaml", json("{\"pretrain\": true, \"negatives\": 6, \"l2\": 1e-5}"));
        assertTrue(n.options().pretrain());
        assertEquals(Map.of("pretrain", true, "negatives", 6, "l2", 1e-5), n.options().settings());
        CrmSpec b = CrmSpec.defaults("bert4rec").with("f.yaml", json("{\"max_length\": 100, \"mask_probability\": 0.3}"));
        assertEquals(100, b.options().maxLengthOr(50));
        assertEquals("f.yaml: setting 'pretrain' applies to [neumf], not to gmf", assertThrows(
                IllegalArgumentException.class, () -> CrmSpec.defaults("gmf").with("f.yaml", json("{\"pretrain\": true}")))
                .getMessage());
        assertEquals("f.yaml: setting 'negatives': negatives must be > 0, got 0", assertThrows(
                IllegalArgumentException.class, () -> CrmSpec.defaults("gmf").with("f.yaml", json("{\"negatives\": 0}")))
                .getMessage());
        assertEquals("f.yaml: setting 'pretrain': pretrain must be true or false, got \"yes\"", assertThrows(
                IllegalArgumentException.class, () -> CrmSpec.defaults("neumf").with("f.yaml", json("{\"pretrain\": \"yes\"}")))
                .getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CrmSpec.defaults("bert4rec").with("f.yaml", json("{\"mask_probability\": 1.0}")));
        assertTrue(CrmSpec.defaults("dcnv2").options().calibrateOr(true));
        assertFalse(CrmSpec.defaults("dcnv2").with("f.yaml", json("{\"calibrate\": false}")).options().calibrateOr(true));
        assertEquals("f.yaml: setting 'calibrate' applies to [dcnv2, autoint, xdeepfm, fibinet], not to mf-bce",
                assertThrows(IllegalArgumentException.class,
                        () -> CrmSpec.defaults("mf-bce").with("f.yaml", json("{\"calibrate\": true}"))).getMessage());
    }

    @Test
    void clickModelsTakeLayerSizes() throws Exception {
        CrmSpec x = CrmSpec.defaults("xdeepfm").with("f.yaml",
                json("{\"cin_layers\": [200, 200, 200], \"deep_layers\": [400, 400]}"));
        assertEquals(List.of(200, 200, 200), x.options().cinLayersOr(List.of()));
        assertEquals(Map.of("cin_layers", List.of(200, 200, 200), "deep_layers", List.of(400, 400)), x.options().settings());
        CrmSpec plain = CrmSpec.defaults("dcnv2").with("f.yaml", json("{\"deep_layers\": []}"));
        assertEquals(List.of(), plain.options().deepLayersOr(List.of(256, 128)), "an empty list: no DNN");
        assertEquals(List.of(256, 128), CrmSpec.defaults("autoint").options().deepLayersOr(List.of(256, 128)));
        assertEquals("f.yaml: setting 'cin_layers' applies to [xdeepfm], not to autoint", assertThrows(
                IllegalArgumentException.class, () -> CrmSpec.defaults("autoint").with("f.yaml", json("{\"cin_layers\": [8]}")))
                .getMessage());
        assertEquals("f.yaml: setting 'cin_layers': cin_layers[1] must be > 0, got 0", assertThrows(
                IllegalArgumentException.class, () -> CrmSpec.defaults("xdeepfm").with("f.yaml", json("{\"cin_layers\": [8, 0]}")))
                .getMessage());
        assertEquals("f.yaml: setting 'cin_layers': cin_layers must hold at least one size", assertThrows(
                IllegalArgumentException.class, () -> CrmSpec.defaults("xdeepfm").with("f.yaml", json("{\"cin_layers\": []}")))
                .getMessage());
        assertEquals("f.yaml: setting 'deep_layers': deep_layers must be a list of sizes, e.g. [256, 128], got 256",
                assertThrows(IllegalArgumentException.class,
                        () -> CrmSpec.defaults("fibinet").with("f.yaml", json("{\"deep_layers\": 256}"))).getMessage());
    }
}
