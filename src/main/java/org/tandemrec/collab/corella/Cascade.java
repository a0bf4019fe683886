package org.tandemrec.collab.corella;

/**
 * The CRM → LLM cascade CoReLLa evaluates and a server runs: every request is scored by the CRM,
 * the {@link EntropyRouter} picks the hard ones, and only those are sent to the LLM, whose answer
 * replaces the CRM's. Both sides give calibrated click probabilities.
 */
public final class Cascade {
    /** Click probabilities of examples. */
    @FunctionalInterface
    public interface Scorer {
        float[] score(ClickExamples examples);
    }

    /** The cascade's answers, which requests went to the LLM, and how many LLM calls that took. */
    public record Scored(float[] probabilities, boolean[] routed, int llmCalls) {
    }

    private final Scorer crm;
    private final Scorer llm;
    private final EntropyRouter router;

    public Cascade(Scorer crm, Scorer llm, EntropyRouter router) {
        this.crm = crm;
        this.llm = llm;
        this.router = router;
    }

    public EntropyRouter router() {
        return router;
    }

    public Scored score(ClickExamples requests) {
        float[] p = crm.score(requests);
        boolean[] routed = new boolean[p.length];
        int[] hard = router.route(p);
        if (hard.length > 0) {
            float[] q = llm.score(requests.select(hard));
            for (int k = 0; k < hard.length; k++) {
                p[hard[k]] = q[k];
                routed[hard[k]] = true;
            }
        }
        return new Scored(p, routed, hard.length);
    }
}
