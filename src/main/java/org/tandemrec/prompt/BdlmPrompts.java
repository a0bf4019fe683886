package org.tandemrec.prompt;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.data.ItemInfo;

/**
 * The two instruction prompts of BDLM's Table 2 (arXiv 2311.03778 §5.1.2), in either
 * {@link PromptStyle}:
 * <pre>
 *   interaction: User &lt;uid_1&gt; has watched the following movies &lt;iid_745&gt; (A Close Shave),
 *                &lt;iid_588&gt; (Aladdin). Predict if he/she will watch &lt;iid_48&gt; (Pocahontas) next.
 *                Answer:                                                        →  " Yes" / " No"
 *   top-K:       User &lt;uid_1&gt; has watched the following movies … Predict which 1 movie in
 *                candidate set will he/she watch most probably? Candidates: &lt;iid_1184&gt;
 *                (Mediterraneo), &lt;iid_48&gt; (Pocahontas), … Answer:            →  " &lt;iid_48&gt;"
 * </pre>
 * The history is the user's last N items in time order; the oldest are dropped first until the
 * prompt fits the token budget. Top-K candidates appear in an order shuffled by a seed and the
 * user, so the positive's position carries no signal. Text-only prompts name no user and show
 * items by title; their top-K answer is the title.
 */
public final class BdlmPrompts {
    /** Answer of a positive interaction prediction. */
    public static final String YES = " Yes";
    /** Answer of a negative interaction prediction. */
    public static final String NO = " No";

    private final PromptConfig config;
    private final List<ItemInfo> items;
    private final TokenCounter counter;

    /**
     * @param items   side information of every item, by index (the title shows after the item token)
     * @param counter the tokenizer's count, for the budget
     */
    public BdlmPrompts(PromptConfig config, List<ItemInfo> items, TokenCounter counter) {
        this.config = config;
        this.items = List.copyOf(items);
        this.counter = counter;
    }

    public PromptConfig config() {
        return config;
    }

    /**
     * An interaction-prediction prompt, split where the target begins: {@code userPart} (the
     * user and history, the same for every target of that user and history) and {@code
     * targetPart}, so a user's prompts can share the prefix's computation.
     */
    public record InteractionPrompt(String userPart, String targetPart) {
        public String text() {
            return userPart + targetPart;
        }
    }

    /** A top-K prompt and its candidates in the order it lists them. */
    public record CandidatePrompt(String text, int[] shownOrder) {
    }

    /**
     * Interaction prediction of {@code target} for {@code user} after {@code history} (item
     * indexes, oldest first; only the last N are shown, fewer when the budget needs it).
     */
    public InteractionPrompt interaction(int user, int[] history, int target, PromptStyle style) {
        String targetPart = " " + name(target, style) + " next. Answer:";
        int keep = fitting(history, n -> counter.count(userPart(user, history, n, style) + targetPart));
        return new InteractionPrompt(userPart(user, history, keep, style), targetPart);
    }

    /**
     * Top-K recommendation among {@code candidates} (the positive among them wherever the caller
     * put it), listed in an order shuffled by {@code seed} and the user.
     */
    public CandidatePrompt topK(int user, int[] history, int[] candidates, long seed, PromptStyle style) {
        if (candidates.length == 0) {
            throw new IllegalArgumentException("a top-K prompt needs candidates");
        }
        int[] order = shuffled(candidates, seed, user);
        StringBuilder tail = new StringBuilder(" which 1 ").append(config.item())
                .append(" in candidate set will he/she ").append(config.watch()).append(" most probably? Candidates:");
        for (int k = 0; k < order.length; k++) {
            tail.append(k == 0 ? " " : ", ").append(name(order[k], style));
        }
        tail.append(". Answer:");
        String t = tail.toString();
        int keep = fitting(history, n -> counter.count(head(user, history, n, style) + t));
        return new CandidatePrompt(head(user, history, keep, style) + t, order);
    }

    /** The top-K answer naming {@code item}: its token, or its title for text-only prompts. */
    public String answer(int item, PromptStyle style) {
        return " " + (style == PromptStyle.ID_TOKENS ? IdTokens.item(item) : title(item));
    }

    /** How a prompt names an item: {@code <iid_k> (title)}, or the title. */
    public String name(int item, PromptStyle style) {
        return style == PromptStyle.ID_TOKENS ? IdTokens.item(item) + " (" + title(item) + ")" : title(item);
    }

    /** The item's title, or "item k" when the data has none. */
    public String title(int item) {
        String t = items.get(item).title();
        return t.isEmpty() ? "item " + item : t;
    }

    private String userPart(int user, int[] history, int keep, PromptStyle style) {
        return head(user, history, keep, style) + " if he/she will " + config.watch();
    }

    /** "User <uid_1> has watched the following movies A, B. Predict" (no history: "has watched no movies yet"). */
    private String head(int user, int[] history, int keep, PromptStyle style) {
        StringBuilder sb = new StringBuilder("User");
        if (style == PromptStyle.ID_TOKENS) {
            sb.append(' ').append(IdTokens.user(user));
        }
        if (keep == 0) {
            sb.append(" has ").append(config.watched()).append(" no ").append(config.items()).append(" yet.");
        } else {
            sb.append(" has ").append(config.watched()).append(" the following ").append(config.items());
            for (int k = history.length - keep; k < history.length; k++) {
                sb.append(k == history.length - keep ? " " : ", ").append(name(history[k], style));
            }
            sb.append('.');
        }
        return sb.append(" Predict").toString();
    }

    private int fitting(int[] history, java.util.function.IntToLongFunction tokensWith) {
        return HistoryBudget.fitting(config.historyItems(), history.length, config.tokenBudget(), tokensWith);
    }

    /** The candidates in a seeded order that depends on the user too (Fisher–Yates). */
    static int[] shuffled(int[] candidates, long seed, int user) {
        int[] order = Arrays.copyOf(candidates, candidates.length);
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + user);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
