package org.tandemrec.data;

import java.util.List;
import java.util.Objects;

/**
 * Side information of one item: what prompts show the LLM and what feature-based CRMs embed.
 *
 * @param title display title (may be empty, never null)
 * @param categories categories or genres, most general first (may be empty)
 * @param description free text (may be empty)
 */
public record ItemInfo(String title, List<String> categories, String description) {
    public static final ItemInfo EMPTY = new ItemInfo("", List.of(), "");

    public ItemInfo {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        categories = List.copyOf(Objects.requireNonNull(categories, "categories"));
    }

    /** Title, categories and description as one line of text, for sentence encoders and prompts. */
    public String text() {
        StringBuilder sb = new StringBuilder(title);
        if (!categories.isEmpty()) {
            sb.append(sb.length() > 0 ? ". " : "").append(String.join(", ", categories));
        }
        if (!description.isEmpty()) {
            sb.append(sb.length() > 0 ? ". " : "").append(description);
        }
        return sb.toString();
    }
}
