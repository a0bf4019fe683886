package org.tandemrec.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

class CorellaPromptsTest {
    private static final List<ItemInfo> ITEMS = List.of(
            new ItemInfo("Heat", List.of(), ""), new ItemInfo("Casino", List.of(), ""),
            new ItemInfo("Fargo", List.of(), ""), new ItemInfo("Jumanji", List.of(), ""));
    private static final TokenCounter WORDS = text -> text.isBlank() ? 0 : text.trim().split("\\s+").length;

    private static CorellaPrompts prompts(int historyItems, int budget) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("gender", "F");
        f.put("age", "25");
        f.put("occupation", "writer");
        return new CorellaPrompts(new PromptConfig(historyItems, budget, "movie", "movies", "watched", "watch"), ITEMS,
                List.of(UserProfile.EMPTY, new UserProfile(f)), WORDS);
    }

    @Test
    void promptListsTheRatedHistoryThenTheTarget() {
        assertEquals("Below is the rating history of a user: Heat (4 stars), Casino (1 star), Fargo (2.5 stars)."
                + " Please predict whether the user will like Jumanji based on his/her rating history and the quality"
                + " of the target item. You should ONLY answer no or yes. Answer:",
                prompts(30, 1000).click(0, new int[] {0, 1, 2}, new float[] {4, 1, 2.5f}, 3, PromptStyle.TEXT_ONLY));
    }

    @Test
    void profileIdTokensAndUnknownRatings() {
        String p = prompts(30, 1000).click(1, new int[] {2}, new float[] {Float.NaN}, 3, PromptStyle.ID_TOKENS);
        assertEquals("The user's gender is F, age is 25, occupation is writer. Below is the rating history of user"
                + " <uid_1>: <iid_2> (Fargo). Please predict whether the user will like <iid_3> (Jumanji) based on"
                + " his/her rating history and the quality of the target item. You should ONLY answer no or yes."
                + " Answer:", p);
        assertTrue(prompts(30, 1000).click(0, new int[0], new float[0], 3, PromptStyle.TEXT_ONLY)
                .startsWith("Below is the rating history of a user: none yet. Please predict"));
    }

    @Test
    void theOldestItemsGoFirstToMeetNAndTheBudget() {
        int[] h = {0, 1, 2};
        float[] r = {5, 4, 3};
        assertTrue(prompts(2, 1000).click(0, h, r, 3, PromptStyle.TEXT_ONLY)
                .contains("user: Casino (4 stars), Fargo (3 stars). Please"), "N = 2 keeps the last two");
        String full = prompts(30, 1000).click(0, h, r, 3, PromptStyle.TEXT_ONLY);
        int words = WORDS.count(full);
        String cut = prompts(30, words - 1).click(0, h, r, 3, PromptStyle.TEXT_ONLY);
        assertTrue(cut.contains("user: Casino (4 stars), Fargo (3 stars). Please"), cut);
        assertTrue(WORDS.count(cut) <= words - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prompts(30, 10).click(0, h, r, 3, PromptStyle.TEXT_ONLY));
        assertTrue(e.getMessage().contains("over the token budget of 10"), e.getMessage());
    }
}
