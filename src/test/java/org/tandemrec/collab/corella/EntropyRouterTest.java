package org.tandemrec.collab.corella;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.eval.RoutingCurve;

/** Routing by the CRM's prediction entropy, budgets chosen on validation, and the cascade's hard replacement. */
class EntropyRouterTest {
    @Test
    void aBudgetRoutesThatShareOfTheLeastConfident() {
        float[] p = {0.99f, 0.5f, 0.1f, 0.6f, 0.95f, 0.3f, 0.02f, 0.45f, 0.8f, 0.7f};
        EntropyRouter r = EntropyRouter.forBudget(p, 0.3);
        int routed = 0;
        for (float x : p) {
            routed += r.routes(x) ? 1 : 0;
        }
        assertEquals(3, routed);
        assertTrue(r.routes(0.5f) && r.routes(0.45f) && r.routes(0.6f), "the three nearest 0.5");
        assertFalse(r.routes(0.99f));
        EntropyRouter none = EntropyRouter.forBudget(p, 0);
        for (float x : p) {
            assertFalse(none.routes(x));
        }
        EntropyRouter all = EntropyRouter.forBudget(p, 1);
        for (float x : p) {
            assertTrue(all.routes(x));
        }
    }

    /**
     * A batch on which the CRM is unsure more often than on validation sends at most ⌈budget · n⌉
     * requests, the least confident first (ties by position); a lone request can still go.
     */
    @Test
    void aBatchNeverSpendsMoreThanTheBudget() {
        EntropyRouter r = EntropyRouter.forBudget(new float[] {0.99f, 0.5f, 0.1f, 0.6f, 0.95f, 0.3f, 0.02f, 0.45f, 0.8f, 0.7f},
                0.3);
        float[] unsure = {0.52f, 0.5f, 0.45f, 0.5f, 0.55f, 0.6f, 0.51f, 0.9f};
        assertArrayEquals(new int[] {1, 3, 6}, r.route(unsure), "ceil(0.3 * 8) = 3 of the 7 over the threshold");
        assertArrayEquals(new int[] {0}, r.route(new float[] {0.5f}));
        assertArrayEquals(new int[] {1}, r.route(new float[] {0.99f, 0.55f, 0.01f}), "under the cap: the threshold alone");
        assertArrayEquals(new int[] {}, EntropyRouter.forBudget(unsure, 0).route(unsure));
    }

    /**
     * The CRM is right where it is sure and unsure elsewhere; the LLM is right on the unsure ones.
     * Routing the two least confident leaves the positive at 0.44 below the negative at 0.57;
     * routing three (0.49, 0.53, 0.44) ranks every positive first, so the smallest budget of best
     * AUC is 3 of 8 (fraction 0.35, as 0.35·8 rounds to 3).
     */
    @Test
    void validationChoosesTheBudgetOfBestAuc() {
        float[] labels = {1, 0, 1, 0, 1, 0, 1, 0};
        float[] crm = {0.95f, 0.05f, 0.9f, 0.1f, 0.44f, 0.57f, 0.49f, 0.53f};
        float[] llm = {0.4f, 0.6f, 0.45f, 0.55f, 0.9f, 0.1f, 0.85f, 0.15f};
        // Eight rows are too few for a scaling of the routed rows' own: the whole set's (here none) stands.
        EntropyRouter r = RoutedCalibration.chosenOnValidation(labels, crm, Logistic.logits(llm),
                PlattScaling.identity(), RoutingCurve.defaultFractions()).router();
        assertEquals(0.35, r.budget(), 1e-12);
        Cascade c = new Cascade(e -> crm.clone(), e -> {
            float[] out = new float[e.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = llm[e.users()[k]];
            }
            return out;
        }, r);
        int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
        ClickExamples requests = new ClickExamples(idx, idx, new int[8][0], new float[8][0], labels);
        Cascade.Scored s = c.score(requests);
        assertEquals(3, s.llmCalls());
        assertArrayEquals(new float[] {0.95f, 0.05f, 0.9f, 0.1f, 0.9f, 0.57f, 0.85f, 0.15f}, s.probabilities());
        assertArrayEquals(new boolean[] {false, false, false, false, true, false, true, true}, s.routed());
    }
}
