package org.tandemrec.collab.corella;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.tandemrec.base.Progress;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.ChoiceScorer;
import org.tandemrec.llm.PromptTokens;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.CorellaPrompts;
import org.tandemrec.prompt.PromptStyle;

/**
 * An LLM as CoReLLa's click model (arXiv 2403.16378 §3): the click prompt of each example as
 * token ids, its fine-tuning sequence (the answer {@code " Yes"} or {@code " No"}, loss on that
 * token only), and P(click) = exp(a) / (exp(a) + exp(b)) with a, b the Yes and No logits at the
 * answer position, scored in batches of similar length.
 */
public final class ClickLanguageModel {
    private final Decoder decoder;
    private final PromptTokens tokens;
    private final CorellaPrompts prompts;
    private final PromptStyle style;
    private final int padId;
    private final int batch;

    public ClickLanguageModel(Decoder decoder, LlmTokenizer tokenizer, CorellaPrompts prompts, PromptStyle style,
                              int batch) {
        if (batch <= 0) {
            throw new UsageException("batch must be > 0, got " + batch);
        }
        LlamaConfig c = decoder.config();
        this.decoder = decoder;
        this.tokens = new PromptTokens(tokenizer, c.bosTokenId(), c.eosTokenId());
        this.prompts = prompts;
        this.style = style;
        this.padId = c.batchPadId();
        this.batch = batch;
    }

    public Decoder decoder() {
        return decoder;
    }

    /** Token ids of example {@code k}'s prompt, ending where the Yes/No token is predicted. */
    public int[] prompt(ClickExamples e, int k) {
        return PromptTokens.concat(tokens.prompt(prompts.click(e.users()[k], e.histories()[k], e.ratings()[k], e.items()[k],
                style)), tokens.yesNoLead());
    }

    /**
     * Token ids of the cold path's prompt: a target the data set does not know, named by {@code
     * title}, for {@code user} (below 0: unknown, no profile) after {@code history}.
     */
    public int[] coldPrompt(int user, int[] history, float[] ratings, String title) {
        return PromptTokens.concat(tokens.prompt(prompts.click(user, history, ratings, title, style)), tokens.yesNoLead());
    }

    /** The fine-tuning sequence of example {@code k}: its prompt and answer token, the loss on the answer. */
    public SftSequence sequence(ClickExamples e, int k) {
        int[] p = prompt(e, k);
        int[] ids = Arrays.copyOf(p, p.length + 1);
        ids[p.length] = e.labels()[k] == 1f ? tokens.yesToken() : tokens.noToken();
        int[] labels = new int[ids.length];
        Arrays.fill(labels, SftSequence.IGNORE);
        labels[p.length] = ids[p.length];
        return new SftSequence(ids, labels);
    }

    /** P(Yes) of every example, in batches of prompts of similar length. */
    public float[] probabilities(NDManager manager, ClickExamples e) {
        int n = e.size();
        int[][] ids = new int[n][];
        for (int k = 0; k < n; k++) {
            ids[k] = prompt(e, k);
        }
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingInt(k -> ids[k].length))
                .toArray(Integer[]::new);
        ChoiceScorer scorer = new ChoiceScorer(decoder, padId);
        float[] out = new float[n];
        try (Progress progress = Progress.start("llm click scores", n)) {
            score(manager, ids, order, scorer, out, progress);
        }
        return out;
    }

    /** P(Yes) of prompts given as token ids (from {@link #prompt} or {@link #coldPrompt}), with no progress shown. */
    public float[] probabilities(NDManager manager, int[][] ids) {
        Integer[] order = IntStream.range(0, ids.length).boxed().sorted(Comparator.comparingInt(k -> ids[k].length))
                .toArray(Integer[]::new);
        float[] out = new float[ids.length];
        try (Progress progress = Progress.quiet("llm click scores", ids.length)) {
            score(manager, ids, order, new ChoiceScorer(decoder, padId), out, progress);
        }
        return out;
    }

    private void score(NDManager manager, int[][] ids, Integer[] order, ChoiceScorer scorer, float[] out, Progress progress) {
        int n = ids.length;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            int[][] b = new int[to - from][];
            for (int k = from; k < to; k++) {
                b[k - from] = ids[order[k]];
            }
            float[] p = scorer.yesProbability(manager, b, tokens.yesToken(), tokens.noToken());
            for (int k = from; k < to; k++) {
                out[order[k]] = p[k - from];
            }
            progress.step(to - from);
        }
    }
}
