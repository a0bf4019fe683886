package org.tandemrec.prompt;

import org.tandemrec.base.UsageException;

/**
 * Settings of recommendation prompts.
 *
 * @param historyItems N, the most recent history items a prompt lists at most (> 0)
 * @param tokenBudget tokens a prompt may take at most (> 0); the oldest history items are dropped
 *     first to meet it
 * @param item the noun of one item ("movie")
 * @param items the noun of several items ("movies")
 * @param watched the verb of an interaction in the past ("watched")
 * @param watch the verb in the infinitive ("watch")
 */
public record PromptConfig(int historyItems, int tokenBudget, String item, String items, String watched, String watch) {
    public PromptConfig {
        if (historyItems <= 0) {
            throw new UsageException("historyItems must be > 0, got " + historyItems);
        }
        if (tokenBudget <= 0) {
            throw new UsageException("tokenBudget must be > 0, got " + tokenBudget);
        }
        word("item", item);
        word("items", items);
        word("watched", watched);
        word("watch", watch);
    }

    private static void word(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new UsageException(field + " must be a non-empty word");
        }
    }

    /** BDLM's Table 2 wording (movies), the last 10 history items, at most {@code tokenBudget} tokens. */
    public static PromptConfig movies(int tokenBudget) {
        return new PromptConfig(10, tokenBudget, "movie", "movies", "watched", "watch");
    }

    public PromptConfig withHistoryItems(int n) {
        return new PromptConfig(n, tokenBudget, item, items, watched, watch);
    }

    public PromptConfig withTokenBudget(int budget) {
        return new PromptConfig(historyItems, budget, item, items, watched, watch);
    }
}
