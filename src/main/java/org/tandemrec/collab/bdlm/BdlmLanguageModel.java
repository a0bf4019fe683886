package org.tandemrec.collab.bdlm;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.base.Progress;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.ChoiceScorer;
import org.tandemrec.llm.PrefixScorer;
import org.tandemrec.llm.PromptTokens;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.BdlmPrompts;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.prompt.PromptStyle;
import org.tandemrec.split.CandidateLists;

/**
 * An LLM as BDLM's recommender (arXiv 2311.03778 §4.1): the prompts of Table 2 as token ids for
 * fine-tuning, and the model's answers read back as scores —
 * <ul>
 *   <li>interaction prediction: P(Yes) = softmax over the Yes and No tokens' logits after the
 *       prompt;</li>
 *   <li>top-K with ID tokens: one forward pass of the list's prompt, the candidates ranked by the
 *       probability of their item token as the answer;</li>
 *   <li>top-K as text (no ID tokens): each candidate's title as the answer, ranked by its
 *       log-likelihood after the prompt, the prompt computed once for the 20 titles;</li>
 *   <li>the top-layer feature of an interaction prompt (final-norm hidden state at its last
 *       token), which the feature-enhanced CRM reads (§4.2).</li>
 * </ul>
 * A user's prompts for several target items share the history part, computed once
 * ({@link PrefixScorer}). Histories are item indexes in time order, oldest first.
 */
public final class BdlmLanguageModel {
    private final Decoder decoder;
    private final PromptTokens tokens;
    private final BdlmPrompts prompts;
    private final PromptStyle style;
    private final int firstIdToken;
    private final int numUsers;
    private final int[] idAnswerLead;
    private final int padId;
    private final int batch;

    /**
     * @param decoder       the model to score with (weights and adapter as they are now)
     * @param tokenizer     its tokenizer; with ID tokens, holding {@code <uid_0…>} then {@code <iid_0…>}
     * @param firstIdToken  the id of {@code <uid_0>}, or -1 for text-only prompts
     * @param numUsers      users of the split (the item tokens follow the user tokens)
     * @param batch         prompts per forward pass when scoring
     */
    public BdlmLanguageModel(Decoder decoder, LlmTokenizer tokenizer, BdlmPrompts prompts, PromptStyle style,
                             int firstIdToken, int numUsers, int batch) {
        if ((style == PromptStyle.ID_TOKENS) != (firstIdToken >= 0)) {
            throw new IllegalArgumentException("ID-token prompts need the id of <uid_0>, text-only prompts none");
        }
        if (batch <= 0) {
            throw new UsageException("batch must be > 0, got " + batch);
        }
        LlamaConfig c = decoder.config();
        this.decoder = decoder;
        this.tokens = new PromptTokens(tokenizer, c.bosTokenId(), c.eosTokenId());
        this.prompts = prompts;
        this.style = style;
        this.firstIdToken = firstIdToken;
        this.numUsers = numUsers;
        this.padId = c.batchPadId();
        this.batch = batch;
        this.idAnswerLead = style == PromptStyle.ID_TOKENS ? idLead(tokenizer) : new int[0];
    }

    /** The ids the answer " <iid_k>" has before the item's token, checked to be the same for every item. */
    private int[] idLead(LlmTokenizer tokenizer) {
        int[] a = tokenizer.encode(prompts.answer(0, PromptStyle.ID_TOKENS));
        if (a.length == 0 || a[a.length - 1] != itemToken(0)) {
            throw new IllegalArgumentException("the tokenizer does not encode " + IdTokens.item(0) + " as its own token "
                    + itemToken(0) + " (got " + Arrays.toString(a) + "): the ID tokens are missing or clash");
        }
        return Arrays.copyOf(a, a.length - 1);
    }

    public PromptStyle style() {
        return style;
    }

    int itemToken(int item) {
        return firstIdToken + numUsers + item;
    }

    /**
     * The fine-tuning sequence of an example: its prompt (history = the user's first {@code
     * position} training items) and answer, loss on the answer. Top-K candidates are shown in
     * the order {@code seed} and the user give.
     */
    public SftSequence sequence(BdlmExample e, int[][] trainSequences, long seed) {
        int[] history = Arrays.copyOf(trainSequences[e.user()], e.position());
        int[] prompt;
        int[] answer;
        if (e.task() == BdlmExample.Task.INTERACTION) {
            BdlmPrompts.InteractionPrompt p = prompts.interaction(e.user(), history, e.target(), style);
            prompt = tokens.prompt(p.userPart(), p.targetPart());
            answer = tokens.answer(e.positive() ? BdlmPrompts.YES : BdlmPrompts.NO);
        } else {
            prompt = tokens.prompt(prompts.topK(e.user(), history, e.candidates(), seed, style).text());
            answer = tokens.answer(prompts.answer(e.target(), style));
        }
        int[] ids = PromptTokens.concat(prompt, answer);
        int[] labels = new int[ids.length];
        Arrays.fill(labels, 0, prompt.length, SftSequence.IGNORE);
        System.arraycopy(answer, 0, labels, prompt.length, answer.length);
        return new SftSequence(ids, labels);
    }

    /** P(Yes) and, when asked, the top-layer feature [N][H] of interaction prompts. */
    public record InteractionScores(float[] yes, float[][] features) {
    }

    /**
     * Scores the pairs (users[n], items[n]) after the histories {@code histories[n]}; consecutive
     * pairs of one user with the same history array share their prompt prefix.
     */
    public InteractionScores interactions(NDManager manager, int[] users, int[] items, int[][] histories,
                                          boolean withFeatures) {
        int n = users.length;
        if (items.length != n || histories.length != n) {
            throw new IllegalArgumentException("users, items and histories differ in length: " + n + ", " + items.length
                    + ", " + histories.length);
        }
        if (withFeatures && tokens.yesNoLead().length > 0) {
            throw new IllegalStateException("features and Yes/No are read at one position only when the answer has no"
                    + " leading token; this tokenizer puts " + Arrays.toString(tokens.yesNoLead()) + " first");
        }
        float[] yes = new float[n];
        float[][] features = withFeatures ? new float[n][] : null;
        PrefixScorer scorer = new PrefixScorer(decoder, padId);
        try (Progress progress = Progress.start("llm interaction scores", n)) {
            scorePairs(manager, users, items, histories, withFeatures, yes, features, scorer, progress);
        }
        return new InteractionScores(yes, features);
    }

    private void scorePairs(NDManager manager, int[] users, int[] items, int[][] histories, boolean withFeatures,
                            float[] yes, float[][] features, PrefixScorer scorer, Progress progress) {
        int n = users.length;
        int[] yesNo = {tokens.yesToken(), tokens.noToken()};
        int from = 0;
        while (from < n) {
            int to = from + 1;
            while (to < n && users[to] == users[from] && histories[to] == histories[from] && to - from < 64) {
                to++;
            }
            int u = users[from];
            BdlmPrompts.InteractionPrompt first = prompts.interaction(u, histories[from], items[from], style);
            int[] prefix = tokens.prompt(first.userPart());
            List<int[]> suffixes = new ArrayList<>();
            for (int k = from; k < to; k++) {
                BdlmPrompts.InteractionPrompt p = prompts.interaction(u, histories[k], items[k], style);
                if (!p.userPart().equals(first.userPart())) {
                    // a longer target made the budget drop history: this pair goes alone
                    to = k;
                    break;
                }
                suffixes.add(withFeatures ? tokens.continuation(p.targetPart())
                        : PromptTokens.concat(tokens.continuation(p.targetPart()), tokens.yesNoLead()));
            }
            PrefixScorer.Scores s = scorer.score(manager, prefix, suffixes,
                    new PrefixScorer.Request(yesNo, withFeatures, false));
            for (int k = from; k < to; k++) {
                yes[k] = s.choice()[k - from][0];
                if (withFeatures) {
                    features[k] = s.hidden()[k - from];
                }
            }
            progress.step(to - from);
            from = to;
        }
    }

    /**
     * Scores of each list's candidates (column 0 the positive, as the split stores them):
     * [L][C], higher is better; {@code histories[user]} is each user's history. {@code seed}
     * orders the candidates in the prompts.
     */
    public float[][] topKScores(NDManager manager, CandidateLists lists, int[][] histories, long seed) {
        try (Progress progress = Progress.start("llm top-K scores", lists.size())) {
            return style == PromptStyle.ID_TOKENS ? idChoice(manager, lists, histories, seed, progress)
                    : titleLikelihoods(manager, lists, histories, seed, progress);
        }
    }

    private float[][] idChoice(NDManager manager, CandidateLists lists, int[][] histories, long seed, Progress progress) {
        ChoiceScorer scorer = new ChoiceScorer(decoder, padId);
        float[][] out = new float[lists.size()][];
        for (int from = 0; from < lists.size(); from += batch) {
            int to = Math.min(lists.size(), from + batch);
            int[][] promptIds = new int[to - from][];
            int[][] candidateTokens = new int[to - from][];
            for (int l = from; l < to; l++) {
                int u = lists.user(l);
                int[] c = lists.candidates(l);
                promptIds[l - from] = PromptTokens.concat(tokens.prompt(prompts.topK(u, histories[u], c, seed, style).text()),
                        idAnswerLead);
                candidateTokens[l - from] = new int[c.length];
                for (int k = 0; k < c.length; k++) {
                    candidateTokens[l - from][k] = itemToken(c[k]);
                }
            }
            float[][] p = scorer.choose(manager, promptIds, candidateTokens);
            System.arraycopy(p, 0, out, from, p.length);
            progress.step(p.length);
        }
        return out;
    }

    private float[][] titleLikelihoods(NDManager manager, CandidateLists lists, int[][] histories, long seed,
                                       Progress progress) {
        PrefixScorer scorer = new PrefixScorer(decoder, padId);
        float[][] out = new float[lists.size()][];
        for (int l = 0; l < lists.size(); l++) {
            int u = lists.user(l);
            int[] c = lists.candidates(l);
            int[] prefix = tokens.prompt(prompts.topK(u, histories[u], c, seed, style).text());
            List<int[]> answers = new ArrayList<>(c.length);
            for (int item : c) {
                answers.add(tokens.answer(prompts.answer(item, style)));
            }
            out[l] = scorer.score(manager, prefix, answers, PrefixScorer.Request.logLikelihood()).logLikelihood();
            progress.step(1);
        }
        return out;
    }
}
