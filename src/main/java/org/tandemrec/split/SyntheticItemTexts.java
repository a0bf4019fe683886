package org.tandemrec.split;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded item texts for measuring text-similarity negatives: a title, a category and a short
 * description mixing words of one or two topics, like a movie title with genres or a short
 * product blurb (10–20 words, about 25 tokens).
 */
public final class SyntheticItemTexts {
    private static final String[][] TOPICS = {
        {"space", "rocket", "orbit", "astronaut", "galaxy", "launch", "planet", "station"},
        {"pasta", "sauce", "kitchen", "recipe", "garlic", "oven", "chef", "dinner"},
        {"detective", "murder", "clue", "mystery", "suspect", "crime", "city", "night"},
        {"guitar", "band", "concert", "song", "jazz", "album", "stage", "rhythm"},
        {"football", "team", "coach", "season", "goal", "league", "match", "stadium"},
        {"garden", "flower", "seed", "soil", "tree", "spring", "harvest", "leaf"},
        {"war", "soldier", "battle", "army", "history", "empire", "general", "front"},
        {"love", "wedding", "romance", "heart", "letter", "summer", "kiss", "family"},
        {"robot", "computer", "code", "network", "future", "machine", "data", "lab"},
        {"horse", "ranch", "desert", "sheriff", "outlaw", "frontier", "gold", "train"},
    };
    private static final String[] CATEGORIES = {"Science Fiction", "Cooking", "Crime", "Music", "Sports",
        "Gardening", "History", "Romance", "Technology", "Western"};
    private static final String[] FILLER = {"a", "the", "with", "and", "of", "in", "story", "guide", "new",
        "classic", "about", "their"};

    private SyntheticItemTexts() {
    }

    public static List<String> generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int t1 = random.nextInt(TOPICS.length);
            int t2 = random.nextInt(TOPICS.length);
            StringBuilder sb = new StringBuilder();
            sb.append("The ").append(cap(pick(TOPICS[t1], random))).append(' ').append(cap(pick(TOPICS[t1], random)))
                    .append(' ').append(i).append(". ").append(CATEGORIES[t1]).append(". ");
            int words = 6 + random.nextInt(8);
            for (int w = 0; w < words; w++) {
                int kind = random.nextInt(10);
                String word = kind < 6 ? pick(TOPICS[t1], random) : kind < 8 ? pick(TOPICS[t2], random)
                        : pick(FILLER, random);
                sb.append(w > 0 ? " " : "").append(word);
            }
            out.add(sb.append('.').toString());
        }
        return out;
    }

    private static String pick(String[] words, SplittableRandom random) {
        return words[random.nextInt(words.length)];
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
