package org.tandemrec.split;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.base.Progress;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;

/**
 * Builds a {@link SplitData} in memory from a data set and a config: splits the interactions,
 * then draws the fixed evaluation sets.
 *
 * <ul>
 *   <li>Labels: with an explicit label rule the data set's values must already be 0/1 labels and
 *       are kept; with implicit feedback every interaction is a positive (label 1).</li>
 *   <li>Top-K (BDLM §4.1): each valid/test positive gets a list of {@code negatives} items drawn
 *       by the configured sampler.</li>
 *   <li>CTR: explicit labels are kept as they are; for implicit data each valid/test positive is
 *       followed by one sampled negative with label 0 (BDLM's 1:1 interaction prediction).</li>
 * </ul>
 * Negatives of both tasks are never items the user interacted with anywhere in the data, never
 * the positive, never repeated within a list. Random choices come from named streams of
 * {@link SplitConfig#seed()}.
 */
public final class SplitBuilder implements AutoCloseable {
    private final TextEncoder encoder;

    /** A builder with the all-MiniLM-L6-v2 encoder for text-similarity negatives. */
    public SplitBuilder() {
        this(new MiniLmTextEncoder());
    }

    public SplitBuilder(TextEncoder encoder) {
        this.encoder = encoder;
    }

    /**
     * @param embeddingCache file to read/write item text embeddings ({@code item_embeddings.f32}),
     *     or null for no cache
     */
    public SplitData build(Dataset dataset, SplitSource source, SplitConfig config, Path embeddingCache)
            throws IOException {
        InteractionTable table = labelled(dataset.interactions(), source);
        RandomStreams streams = new RandomStreams(config.seed());
        SplitParts parts = Splitter.of(config).split(table);
        UserItems known = UserItems.of(table);
        int[][] neighbours = null;
        // Explicit labels need no CTR negatives, so only the top-K sampler may need text then.
        boolean needsText = source.explicitLabels()
                ? config.task().topK() && config.sampler().needsText() : config.needsText();
        if (needsText) {
            List<String> texts = new ArrayList<>(dataset.numItems());
            for (ItemInfo info : dataset.itemInfo()) {
                texts.add(info.text());
            }
            ItemEmbeddings emb = ItemEmbeddings.loadOrCompute(embeddingCache, texts, encoder);
            neighbours = TextNeighbours.topM(emb, config.textTopM());
        }
        int[] trainCounts = parts.train().itemCounts();
        CandidateLists validLists = CandidateLists.empty();
        CandidateLists testLists = CandidateLists.empty();
        if (config.task().topK()) {
            NegativeSampler sampler = sampler(config.sampler(), config, trainCounts, neighbours);
            validLists = withUserIds(dataset, () -> candidates(parts.valid(), known, sampler, config.negatives(),
                    streams.stream("topk-valid"), "valid"));
            testLists = withUserIds(dataset, () -> candidates(parts.test(), known, sampler, config.negatives(),
                    streams.stream("topk-test"), "test"));
        }
        InteractionTable empty = new InteractionTable.Builder(0).build(table.numUsers(), table.numItems());
        InteractionTable ctrValid = empty;
        InteractionTable ctrTest = empty;
        if (config.task().ctr()) {
            if (source.explicitLabels()) {
                ctrValid = parts.valid();
                ctrTest = parts.test();
            } else {
                NegativeSampler sampler = sampler(config.ctrSampler(), config, trainCounts, neighbours);
                ctrValid = withUserIds(dataset, () -> withNegatives(parts.valid(), known, sampler,
                        streams.stream("ctr-valid")));
                ctrTest = withUserIds(dataset, () -> withNegatives(parts.test(), known, sampler,
                        streams.stream("ctr-test")));
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("users", (long) dataset.numUsers());
        counts.put("items", (long) dataset.numItems());
        counts.put("train", (long) parts.train().size());
        counts.put("valid", (long) parts.valid().size());
        counts.put("test", (long) parts.test().size());
        if (config.task().topK()) {
            counts.put("valid_candidates", (long) validLists.size());
            counts.put("test_candidates", (long) testLists.size());
        }
        if (config.task().ctr()) {
            counts.put("ctr_valid", (long) ctrValid.size());
            counts.put("ctr_test", (long) ctrTest.size());
        }
        SplitManifest manifest = new SplitManifest(SplitManifest.currentToolVersion(), source, config,
                needsText ? encoder.modelName() : "", counts, Map.of());
        return new SplitData(manifest, parts.train(), parts.valid(), parts.test(), validLists, testLists,
                ctrValid, ctrTest, dataset.users(), dataset.items(), dataset.itemInfo(), dataset.userProfiles(),
                new InteractionTable.Builder(0).build(dataset.users().size(), dataset.items().size()));
    }

    /** Frees the text encoder's model, if it was loaded. */
    @Override
    public void close() {
        encoder.close();
    }

    /** Runs the draw; a user without enough free items is named by raw id as well as index. */
    private static <T> T withUserIds(Dataset dataset, java.util.function.Supplier<T> draw) {
        try {
            return draw.get();
        } catch (NegativeDraw.TooFewItemsException e) {
            throw new UsageException("user '" + dataset.users().raw(e.user()) + "' (" + e.getMessage() + ")", e);
        }
    }

    /** The table with 0/1 values: explicit labels checked, implicit feedback set to 1. */
    static InteractionTable labelled(InteractionTable table, SplitSource source) {
        float[] v = new float[table.size()];
        for (int r = 0; r < v.length; r++) {
            if (source.explicitLabels()) {
                float x = table.value(r);
                if (x != 0f && x != 1f) {
                    throw new UsageException("row " + r + ": value " + x + " is not a 0/1 label, but the"
                            + " label rule " + source.labelRule() + " says labels were applied; apply the"
                            + " LabelRule to the data set before splitting");
                }
                v[r] = x;
            } else {
                v[r] = 1f;
            }
        }
        return table.withValues(v);
    }

    /**
     * A sampler of {@code kind} with {@code data}'s settings, over its training popularity and
     * (for text and mixed samplers) its items' text neighbours, read from {@code embeddingCache}
     * when it holds them: for drawing training negatives the way the evaluation ones were drawn
     * ({@code data.config().sampler()} for top-K lists, {@code ctrSampler()} for interaction rows).
     */
    public NegativeSampler sampler(SplitData data, SplitConfig.SamplerKind kind, Path embeddingCache)
            throws IOException {
        SplitConfig config = data.config();
        int[][] neighbours = null;
        if (kind.needsText()) {
            List<String> texts = new ArrayList<>(data.numItems());
            for (ItemInfo info : data.itemInfo()) {
                texts.add(info.text());
            }
            neighbours = TextNeighbours.topM(ItemEmbeddings.loadOrCompute(embeddingCache, texts, encoder),
                    config.textTopM());
        }
        return sampler(kind, config, data.train().itemCounts(), neighbours);
    }

    /** The sampler of the given kind over train popularity and text neighbours. */
    static NegativeSampler sampler(SplitConfig.SamplerKind kind, SplitConfig config, int[] trainCounts,
                                   int[][] neighbours) {
        return switch (kind) {
            case UNIFORM -> new UniformSampler();
            case POPULARITY -> new PopularitySampler(trainCounts, config.popularityExponent());
            case TEXT -> new TextSimilaritySampler(neighbours);
            case MIXED -> new MixedSampler(List.of(new TextSimilaritySampler(neighbours),
                    new PopularitySampler(trainCounts, config.popularityExponent())),
                    new double[] {1 - config.popularityShare(), config.popularityShare()});
        };
    }

    private static CandidateLists candidates(InteractionTable part, UserItems known, NegativeSampler sampler,
                                             int n, SplittableRandom random, String name) {
        NegativeDraw draw = new NegativeDraw(sampler, known);
        int positives = 0;
        for (int r = 0; r < part.size(); r++) {
            if (part.value(r) == 1f) {
                positives++;
            }
        }
        int[] users = new int[positives];
        int[] pos = new int[positives];
        int[] neg = new int[positives * n];
        try (Progress progress = Progress.start("top-K candidates (" + name + ")", positives)) {
            int l = 0;
            for (int r = 0; r < part.size(); r++) {
                if (part.value(r) != 1f) {
                    continue;
                }
                users[l] = part.user(r);
                pos[l] = part.item(r);
                System.arraycopy(draw.draw(users[l], pos[l], n, random), 0, neg, l * n, n);
                l++;
                progress.step(1);
            }
        }
        return new CandidateLists(users, pos, neg, n);
    }

    /** Each row followed by one sampled negative with label 0 and the row's timestamp. */
    private static InteractionTable withNegatives(InteractionTable part, UserItems known, NegativeSampler sampler,
                                                  SplittableRandom random) {
        NegativeDraw draw = new NegativeDraw(sampler, known);
        InteractionTable.Builder b = new InteractionTable.Builder(2 * part.size());
        for (int r = 0; r < part.size(); r++) {
            int u = part.user(r);
            b.add(u, part.item(r), 1f, part.timestamp(r));
            b.add(u, draw.draw(u, part.item(r), 1, random)[0], 0f, part.timestamp(r));
        }
        return b.build(part.numUsers(), part.numItems());
    }
}
