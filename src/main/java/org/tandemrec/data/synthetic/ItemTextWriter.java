package org.tandemrec.data.synthetic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.tandemrec.data.ItemInfo;

/**
 * Writes an item's title, categories and description from its topics. Titles pair a shared
 * adjective with the main topics' title nouns ("The Quiet Nebula Voyage") and are unique within
 * a world. A warm item's description draws each phrase from a topic chosen by the item's
 * mixture (so background topics add some noise); a cold item's description names its main
 * topics outright and draws phrases from them only, so text alone identifies what it is about.
 */
final class ItemTextWriter {
    private static final List<String> OPENINGS = List.of("A tale of", "A journey through", "A portrait of",
            "A chronicle of", "An adventure of", "A sketch of");
    private static final List<String> SECOND = List.of("Expect %s and %s.", "Along the way: %s and %s.",
            "It lingers on %s and %s.", "Featuring %s and %s.", "With %s and %s.");

    private final SplittableRandom rng;
    private final Set<String> titles = new HashSet<>();

    ItemTextWriter(SplittableRandom rng) {
        this.rng = rng;
    }

    /**
     * @param mainTopics the item's 1–2 main topics, largest share first
     * @param mixture topic mixtures, row-major [M × K]
     * @param offset start of this item's row
     * @param k number of topics K
     */
    ItemInfo write(int[] mainTopics, double[] mixture, int offset, int k, boolean cold) {
        List<String> categories = new ArrayList<>(mainTopics.length);
        for (int t : mainTopics) {
            categories.add(TopicCatalog.topic(t).name());
        }
        String title = title(mainTopics);
        String description = cold ? coldDescription(mainTopics, categories) : warmDescription(mixture, offset, k);
        return new ItemInfo(title, categories, description);
    }

    private String title(int[] mainTopics) {
        for (int attempt = 0; attempt < 30; attempt++) {
            String t = titleCandidate(mainTopics);
            if (titles.add(t)) {
                return t;
            }
        }
        String base = titleCandidate(mainTopics);
        for (int part = 2; ; part++) {
            String t = base + " (Part " + part + ")";
            if (titles.add(t)) {
                return t;
            }
        }
    }

    private String titleCandidate(int[] mainTopics) {
        List<String> first = TopicCatalog.topic(mainTopics[0]).titleNouns();
        List<String> second = TopicCatalog.topic(mainTopics[mainTopics.length - 1]).titleNouns();
        String adjective = pick(TopicCatalog.TITLE_ADJECTIVES);
        String n1 = pick(first);
        String n2 = pick(second);
        while (n2.equals(n1)) {
            n2 = pick(second);
        }
        return rng.nextDouble() < 0.6
                ? "The " + adjective + " " + n1 + " " + n2
                : n1 + " of the " + adjective + " " + n2;
    }

    private String warmDescription(double[] mixture, int offset, int k) {
        Set<String> used = new HashSet<>();
        String p1 = mixturePhrase(mixture, offset, k, used);
        String p2 = mixturePhrase(mixture, offset, k, used);
        String p3 = mixturePhrase(mixture, offset, k, used);
        String p4 = mixturePhrase(mixture, offset, k, used);
        String p5 = mixturePhrase(mixture, offset, k, used);
        return pick(OPENINGS) + " " + p1 + ", " + p2 + " and " + p3 + ". " + String.format(pick(SECOND), p4, p5);
    }

    private String coldDescription(int[] mainTopics, List<String> names) {
        Set<String> used = new HashSet<>();
        List<String> phrases = new ArrayList<>(4);
        for (int s = 0; s < 4; s++) {
            phrases.add(topicPhrase(mainTopics[s % mainTopics.length], used));
        }
        return "A story about " + String.join(" and ", names) + ": " + phrases.get(0) + ", " + phrases.get(1)
                + ", " + phrases.get(2) + " and " + phrases.get(3) + ".";
    }

    private String mixturePhrase(double[] mixture, int offset, int k, Set<String> used) {
        double r = rng.nextDouble();
        int topic = k - 1;
        double cumulative = 0;
        for (int t = 0; t < k; t++) {
            cumulative += mixture[offset + t];
            if (r < cumulative) {
                topic = t;
                break;
            }
        }
        return topicPhrase(topic, used);
    }

    private String topicPhrase(int topic, Set<String> used) {
        List<String> vocabulary = TopicCatalog.topic(topic).vocabulary();
        String p = pick(vocabulary);
        for (int attempt = 0; attempt < 10 && !used.add(p); attempt++) {
            p = pick(vocabulary);
        }
        return p;
    }

    private String pick(List<String> options) {
        return options.get(rng.nextInt(options.size()));
    }
}
