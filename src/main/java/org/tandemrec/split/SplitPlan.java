package org.tandemrec.split;

import java.io.IOException;
import java.nio.file.Path;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;

/**
 * The one entry point for {@code tandem split}: builds the split of a data set and writes it
 * to a directory. The directory's manifest is removed first and written last; item text
 * embeddings are cached in the directory ({@code item_embeddings.f32}) so re-runs with text
 * negatives do not embed again.
 */
public final class SplitPlan {
    private SplitPlan() {
    }

    /** Builds and writes the split; returns it as written (manifest with file checksums). */
    public static SplitData run(Dataset dataset, SplitSource source, SplitConfig config, Path dir)
            throws IOException {
        return run(dataset, source, config, dir, emptyRatings(dataset));
    }

    /**
     * The same, keeping {@code ratings} — the data set's interactions before {@code source}'s
     * label rule turned their values into labels — in the split ({@link SplitData#ratings()}).
     */
    public static SplitData run(Dataset dataset, SplitSource source, SplitConfig config, Path dir,
                                InteractionTable ratings) throws IOException {
        try (SplitBuilder builder = new SplitBuilder()) {
            return run(dataset, source, config, dir, builder, ratings);
        }
    }

    public static SplitData run(Dataset dataset, SplitSource source, SplitConfig config, Path dir,
                                SplitBuilder builder) throws IOException {
        return run(dataset, source, config, dir, builder, emptyRatings(dataset));
    }

    private static SplitData run(Dataset dataset, SplitSource source, SplitConfig config, Path dir,
                                 SplitBuilder builder, InteractionTable ratings) throws IOException {
        if (ratings.size() > 0 && source.labelRule().implicit()) {
            throw new IllegalArgumentException("ratings are kept only beside labels made by a label rule");
        }
        java.nio.file.Files.createDirectories(dir);
        SplitDirectory.invalidate(dir);
        SplitData data = builder.build(dataset, source, config, dir.resolve(ItemEmbeddings.FILE_NAME))
                .withRatings(ratings);
        return data.withManifest(SplitDirectory.write(dir, data));
    }

    private static InteractionTable emptyRatings(Dataset d) {
        return new InteractionTable.Builder(0).build(d.interactions().numUsers(), d.interactions().numItems());
    }

    /**
     * A negative sampler of {@code kind} over the training part of the split in {@code dir}, with
     * its settings (text neighbours from the directory's embedding cache when it has them): the
     * split's {@code sampler()} draws top-K lists as its evaluation lists were drawn, its {@code
     * ctrSampler()} interaction negatives.
     */
    public static NegativeSampler sampler(SplitData data, SplitConfig.SamplerKind kind, Path dir) throws IOException {
        try (SplitBuilder builder = new SplitBuilder()) {
            return builder.sampler(data, kind, dir.resolve(ItemEmbeddings.FILE_NAME));
        }
    }
}
