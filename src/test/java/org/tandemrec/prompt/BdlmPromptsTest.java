package org.tandemrec.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.ItemInfo;

class BdlmPromptsTest {
    private static final List<ItemInfo> ITEMS = List.of(
            new ItemInfo("A Close Shave", List.of(), ""), new ItemInfo("Aladdin", List.of(), ""),
            new ItemInfo("Pocahontas", List.of(), ""), new ItemInfo("", List.of(), ""),
            new ItemInfo("Mediterraneo", List.of(), ""));
    /** Words as tokens: enough to test the budget without a tokenizer. */
    private static final TokenCounter WORDS = text -> text.isBlank() ? 0 : text.trim().split("\\s+").length;

    private static BdlmPrompts prompts(int budget) {
        return new BdlmPrompts(PromptConfig.movies(budget), ITEMS, WORDS);
    }

    @Test
    void interactionPromptIsTable2() {
        BdlmPrompts.InteractionPrompt p = prompts(1000).interaction(1, new int[] {0, 1}, 2, PromptStyle.ID_TOKENS);
        assertEquals("User <uid_1> has watched the following movies <iid_0> (A Close Shave), <iid_1> (Aladdin)."
                + " Predict if he/she will watch <iid_2> (Pocahontas) next. Answer:", p.text());
        assertEquals(" <iid_2> (Pocahontas) next. Answer:", p.targetPart());
        BdlmPrompts.InteractionPrompt t = prompts(1000).interaction(1, new int[] {0, 3}, 2, PromptStyle.TEXT_ONLY);
        assertEquals("User has watched the following movies A Close Shave, item 3. Predict if he/she will watch"
                + " Pocahontas next. Answer:", t.text());
        assertEquals("User <uid_4> has watched no movies yet. Predict if he/she will watch <iid_2> (Pocahontas) next."
                + " Answer:", prompts(1000).interaction(4, new int[0], 2, PromptStyle.ID_TOKENS).text());
    }

    @Test
    void topKPromptListsTheCandidatesAndAnswersWithTheToken() {
        BdlmPrompts b = prompts(1000);
        BdlmPrompts.CandidatePrompt p = b.topK(1, new int[] {0}, new int[] {2, 4, 1}, 7, PromptStyle.ID_TOKENS);
        int[] order = p.shownOrder();
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {1, 2, 4}, sorted);
        assertEquals("User <uid_1> has watched the following movies <iid_0> (A Close Shave). Predict which 1 movie in"
                + " candidate set will he/she watch most probably? Candidates: " + b.name(order[0], PromptStyle.ID_TOKENS)
                + ", " + b.name(order[1], PromptStyle.ID_TOKENS) + ", " + b.name(order[2], PromptStyle.ID_TOKENS)
                + ". Answer:", p.text());
        assertEquals(" <iid_2>", b.answer(2, PromptStyle.ID_TOKENS));
        assertEquals(" Pocahontas", b.answer(2, PromptStyle.TEXT_ONLY));
        assertArrayEquals(order, b.topK(1, new int[] {0}, new int[] {2, 4, 1}, 7, PromptStyle.ID_TOKENS).shownOrder());
    }

    /** Over budget, the oldest history items go first; the most recent stay. */
    @Test
    void budgetDropsTheOldestHistoryFirst() {
        int[] history = {0, 1, 4, 2};
        String full = prompts(1000).interaction(0, history, 2, PromptStyle.TEXT_ONLY).text();
        int words = WORDS.count(full);
        // "A Close Shave," is three words: a budget three short of the full prompt drops exactly it
        String cut = prompts(words - 3).interaction(0, history, 2, PromptStyle.TEXT_ONLY).text();
        assertEquals(full.replace("A Close Shave, ", ""), cut);
        assertTrue(WORDS.count(cut) <= words - 3);
        String one = prompts(words - 5).interaction(0, history, 2, PromptStyle.TEXT_ONLY).text();
        assertTrue(one.contains("movies Pocahontas. Predict"), one);
        assertEquals(10, PromptConfig.movies(10).historyItems());
        int[] longHistory = new int[30];
        String capped = prompts(10_000).interaction(0, longHistory, 2, PromptStyle.TEXT_ONLY).text();
        assertEquals(10, capped.split(", ").length, capped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prompts(5).topK(0, history, new int[] {1, 2}, 1, PromptStyle.TEXT_ONLY));
        assertTrue(e.getMessage().contains("over the token budget of 5"), e.getMessage());
    }

    /**
     * The positive's place in the list carries no signal: a model that always answers the first
     * listed candidate gets HR@1 of about 1/20 over 4,000 users whose positive is given first.
     */
    @Test
    void candidateOrderHidesThePositive() {
        List<ItemInfo> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new ItemInfo("title " + i, List.of(), ""));
        }
        BdlmPrompts b = new BdlmPrompts(PromptConfig.movies(10_000), many, WORDS);
        int users = 4000;
        int firstIsPositive = 0;
        int[] atPosition = new int[20];
        for (int u = 0; u < users; u++) {
            int[] candidates = new int[20];
            for (int k = 0; k < 20; k++) {
                candidates[k] = (u + 2 * k) % 40;
            }
            int[] shown = b.topK(u, new int[] {1}, candidates, 42, PromptStyle.ID_TOKENS).shownOrder();
            firstIsPositive += shown[0] == candidates[0] ? 1 : 0;
            for (int k = 0; k < 20; k++) {
                atPosition[k] += shown[k] == candidates[0] ? 1 : 0;
            }
        }
        double hr1 = firstIsPositive / (double) users;
        double sd = Math.sqrt(0.05 * 0.95 / users);
        assertEquals(0.05, hr1, 4 * sd, "HR@1 of always answering the first candidate");
        for (int k = 0; k < 20; k++) {
            assertEquals(users / 20.0, atPosition[k], 5 * Math.sqrt(users * 0.05 * 0.95), "position " + k);
        }
        assertFalse(Arrays.equals(b.topK(0, new int[0], new int[] {1, 2, 3, 4, 5}, 1, PromptStyle.ID_TOKENS).shownOrder(),
                b.topK(0, new int[0], new int[] {1, 2, 3, 4, 5}, 2, PromptStyle.ID_TOKENS).shownOrder()));
    }

    @Test
    void idTokens() {
        assertEquals("<uid_0>", IdTokens.user(0));
        assertEquals("<iid_41>", IdTokens.item(41));
        assertEquals(List.of("<uid_0>", "<uid_1>", "<iid_0>"), IdTokens.all(2, 1));
        assertTrue(IdTokens.looksLikeIdToken("<iid_x>"));
        assertFalse(IdTokens.looksLikeIdToken("iid_3"));
        assertThrows(IllegalArgumentException.class, () -> IdTokens.item(-1));
    }
}
