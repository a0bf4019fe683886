package org.tandemrec.bench;

import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.ItemEmbeddings;
import org.tandemrec.split.MiniLmTextEncoder;
import org.tandemrec.split.NegativeDraw;
import org.tandemrec.split.RandomStreams;
import org.tandemrec.split.SyntheticItemTexts;
import org.tandemrec.split.TextEncoder;
import org.tandemrec.split.TextNeighbours;
import org.tandemrec.split.TextSimilaritySampler;
import org.tandemrec.split.UserItems;

/**
 * Measures text-similarity negatives end to end on synthetic item texts: embedding every
 * item's text, the top-M neighbours of every item, and drawing 19 text negatives for one
 * positive per item. For {@code tandem bench data} (key {@value #KEY}).
 */
public final class TextNegativesBenchmark {
    public static final String KEY = "text_negatives_10k_items_s";

    private TextNegativesBenchmark() {
    }

    /** Seconds per phase and in total. */
    public record Result(int items, double embedSeconds, double neighbourSeconds, double sampleSeconds) {
        public double totalSeconds() {
            return embedSeconds + neighbourSeconds + sampleSeconds;
        }
    }

    /** Seconds for text negatives on 10,000 items (model loading included). */
    public static double textNegatives10kItemsSeconds() {
        try (MiniLmTextEncoder encoder = new MiniLmTextEncoder()) {
            return run(10_000, 50, 42L, encoder).totalSeconds();
        }
    }

    public static Result run(int numItems, int topM, long seed, TextEncoder encoder) {
        List<String> texts = SyntheticItemTexts.generate(numItems, seed);
        long t0 = System.nanoTime();
        ItemEmbeddings emb = ItemEmbeddings.compute(texts, encoder);
        long t1 = System.nanoTime();
        int[][] neighbours = TextNeighbours.topM(emb, topM);
        long t2 = System.nanoTime();
        // One user per item holding just that item, so every list excludes exactly its positive.
        int[] users = new int[numItems];
        int[] items = new int[numItems];
        for (int i = 0; i < numItems; i++) {
            users[i] = i;
            items[i] = i;
        }
        InteractionTable table = new InteractionTable(users, items, new float[numItems], new long[numItems],
                IdMap.identity(numItems).size(), numItems);
        NegativeDraw draw = new NegativeDraw(new TextSimilaritySampler(neighbours), UserItems.of(table));
        SplittableRandom random = new RandomStreams(seed).stream("bench");
        long checksum = 0;
        for (int i = 0; i < numItems; i++) {
            for (int x : draw.draw(i, i, Math.min(19, numItems - 1), random)) {
                checksum += x;
            }
        }
        long t3 = System.nanoTime();
        if (checksum < 0) {
            throw new IllegalStateException("negative item index drawn");
        }
        return new Result(numItems, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }
}
