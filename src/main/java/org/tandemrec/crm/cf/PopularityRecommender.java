package org.tandemrec.crm.cf;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Recommender;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.SplitIdentity;

/** The popularity floor: every user gets score = item's training interaction count / the largest count. */
public final class PopularityRecommender implements Recommender {
    public static final String KIND = "popularity";

    /** No settings; a record so that the model file carries a config like every other model. */
    public record Config(String counting) {
        public Config {
            if (!"interactions".equals(counting)) {
                throw new UsageException("counting must be interactions, got " + counting);
            }
        }
    }

    private final int numUsers;
    private final float[] scores;

    private PopularityRecommender(int numUsers, float[] scores) {
        this.numUsers = numUsers;
        this.scores = scores;
    }

    public static PopularityRecommender fit(InteractionTable train) {
        int[] counts = train.itemCounts();
        int max = 1;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        float[] s = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            s[i] = (float) counts[i] / max;
        }
        return new PopularityRecommender(train.numUsers(), s);
    }

    @Override public String kind() { return KIND; }
    @Override public int numUsers() { return numUsers; }
    @Override public int numItems() { return scores.length; }
    @Override public ScoreKind scoreKind() { return ScoreKind.RANKING; }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        float[] out = new float[items.length];
        for (int b = 0; b < items.length; b++) {
            out[b] = scores[items[b]];
        }
        return out;
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        t.put("item_scores", new ModelFile.Tensor(1, scores.length, scores));
        t.put("num_users", new ModelFile.Tensor(1, 1, new float[] {numUsers}));
        ModelFile.write(file, KIND, trainedOn, new Config("interactions"), t);
    }

    public static PopularityRecommender load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        c.config(file, Config.class);
        return new PopularityRecommender((int) c.tensor(file, "num_users", 1, 1).values()[0],
                c.tensor(file, "item_scores", 1, -1).values());
    }
}
