package org.tandemrec.prompt;

import java.util.List;
import java.util.Locale;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * CoReLLa's click-prediction prompt (arXiv 2403.16378 §3; the wording of its "Template A",
 * after ReLLa's MovieLens prompt for the profile):
 * <pre>
 *   The user is F, aged 25, working as writer. Below is the rating history of a user: Heat (4
 *   stars), Casino (5 stars), Fargo (2 stars). Please predict whether the user will like Jumanji
 *   based on his/her rating history and the quality of the target item. You should ONLY answer
 *   no or yes. Answer:                                                      →  " Yes" / " No"
 * </pre>
 * The history is the user's last N rated items before the example, oldest first, each with its
 * rating when the data has one; the oldest are dropped first to meet the token budget. The
 * profile sentence lists the user's profile fields (none without a profile). With {@link
 * PromptStyle#ID_TOKENS} the user and every item also show their tokens ({@code <uid_k>},
 * {@code <iid_k> (title)}), so a model tuned by BDLM carries its CRM knowledge into the prompt.
 */
public final class CorellaPrompts {
    private final PromptConfig config;
    private final List<ItemInfo> items;
    private final List<UserProfile> profiles;
    private final TokenCounter counter;

    public CorellaPrompts(PromptConfig config, List<ItemInfo> items, List<UserProfile> profiles, TokenCounter counter) {
        this.config = config;
        this.items = List.copyOf(items);
        this.profiles = List.copyOf(profiles);
        this.counter = counter;
    }

    public PromptConfig config() {
        return config;
    }

    /**
     * The prompt for {@code user} and {@code target} after {@code history} (item indexes, oldest
     * first) with {@code ratings} (one per history item; NaN where unknown, shown without one).
     */
    public String click(int user, int[] history, float[] ratings, int target, PromptStyle style) {
        return click(user, history, ratings, name(target, style), style);
    }

    /**
     * The prompt for a target named {@code target} (a title the data set need not know: the cold
     * path of a server); {@code user} below 0 is a user the data set does not know, shown with no
     * profile and no user token.
     */
    public String click(int user, int[] history, float[] ratings, String target, PromptStyle style) {
        if (ratings.length != history.length) {
            throw new IllegalArgumentException(history.length + " history items but " + ratings.length + " ratings");
        }
        String head = profile(user) + "Below is the rating history of "
                + (style == PromptStyle.ID_TOKENS && user >= 0 ? "user " + IdTokens.user(user) : "a user") + ":";
        String tail = " Please predict whether the user will like " + target + " based on his/her rating "
                + "history and the quality of the target item. You should ONLY answer no or yes. Answer:";
        int keep = HistoryBudget.fitting(config.historyItems(), history.length, config.tokenBudget(),
                n -> counter.count(head + listed(history, ratings, n, style) + tail));
        return head + listed(history, ratings, keep, style) + tail;
    }

    /** The last {@code keep} items as " A (4 stars), B (5 stars)." or " none yet." */
    private String listed(int[] history, float[] ratings, int keep, PromptStyle style) {
        if (keep == 0) {
            return " none yet.";
        }
        StringBuilder sb = new StringBuilder();
        for (int k = history.length - keep; k < history.length; k++) {
            sb.append(k == history.length - keep ? " " : ", ").append(name(history[k], style));
            float r = ratings[k];
            if (!Float.isNaN(r)) {
                sb.append(" (").append(r == Math.rint(r) ? Integer.toString((int) r) : String.format(Locale.ROOT, "%.1f", r))
                        .append(r == 1f ? " star)" : " stars)");
            }
        }
        return sb.append('.').toString();
    }

    /** "The user's gender is F, age is 25, occupation is writer. " from the profile's fields, or "". */
    private String profile(int user) {
        if (user < 0 || user >= profiles.size() || profiles.get(user).fields().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("The user's ");
        int k = 0;
        for (var e : profiles.get(user).fields().entrySet()) {
            if (e.getValue().isBlank()) {
                continue;
            }
            sb.append(k++ == 0 ? "" : ", ").append(e.getKey().replace('_', ' ')).append(" is ").append(e.getValue());
        }
        return k == 0 ? "" : sb.append(". ").toString();
    }

    private String name(int item, PromptStyle style) {
        String t = items.get(item).title();
        String title = t.isEmpty() ? "item " + item : t;
        return style == PromptStyle.ID_TOKENS ? IdTokens.item(item) + " (" + title + ")" : title;
    }
}
