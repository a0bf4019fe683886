package org.tandemrec.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * BDLM's task-specific tokens (arXiv 2311.03778 §4.1.1): one whole-word token per user,
 * {@code <uid_k>}, and per item, {@code <iid_k>}, with k the user's or item's index in the split,
 * so that an LLM tells users and similar items apart instead of splitting "uid_12" into sub-words.
 */
public final class IdTokens {
    /**
     * The file beside a tokenizer that holds these tokens naming the split whose indices they are
     * ({@code SplitIdentity}'s JSON): a model tuned with them is read on another split only when
     * that split's users and items are the same, in the same order.
     */
    public static final String SPLIT_FILE = "tandem_id_tokens.json";
    private static final String USER_PREFIX = "<uid_";
    private static final String ITEM_PREFIX = "<iid_";

    private IdTokens() {
    }

    public static String user(int index) {
        check(index);
        return USER_PREFIX + index + ">";
    }

    public static String item(int index) {
        check(index);
        return ITEM_PREFIX + index + ">";
    }

    /** The tokens of {@code users} users then {@code items} items, in index order: the order they are added in. */
    public static List<String> all(int users, int items) {
        List<String> out = new ArrayList<>(users + items);
        for (int u = 0; u < users; u++) {
            out.add(user(u));
        }
        for (int i = 0; i < items; i++) {
            out.add(item(i));
        }
        return out;
    }

    /** Whether {@code token} has the shape of a user or item token (for refusing tokenizers that already hold such tokens). */
    public static boolean looksLikeIdToken(String token) {
        return (token.startsWith(USER_PREFIX) || token.startsWith(ITEM_PREFIX)) && token.endsWith(">");
    }

    private static void check(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
    }
}
