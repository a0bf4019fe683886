package org.tandemrec.crm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tandemrec.Fixtures;
import org.tandemrec.crm.ctr.CtrExamples;
import org.tandemrec.crm.ctr.CtrFeatures;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.DcnV2Config;
import org.tandemrec.crm.sequential.Bert4Rec;
import org.tandemrec.crm.sequential.Bert4RecConfig;
import org.tandemrec.crm.sequential.Gru4Rec;
import org.tandemrec.crm.sequential.Gru4RecConfig;
import org.tandemrec.crm.sequential.SasRec;
import org.tandemrec.crm.sequential.SasRecConfig;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * Sanity figures on MovieLens-100K, not a unit test: run with {@code -Dtandem.bench=true}
 * ({@code -Dtandem.ml100k=DIR} overrides the data directory). Prints DCNv2 test AUC on a global
 * 80/20 time split (rating ≥ 4 positive) and leave-one-out HR@10 (full ranking, seen items
 * included) of SASRec, GRU4Rec and BERT4Rec against popularity.
 */
@EnabledIfSystemProperty(named = "tandem.bench", matches = "true")
class MovieLensCheck {
    static {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    private static final Path DIR = Fixtures.movieLens100k();
    private static final String[] GENRES = {"unknown", "Action", "Adventure", "Animation", "Children", "Comedy", "Crime",
        "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
        "War", "Western"};

    @Test
    void movieLens() throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve("u.data"));
        int n = lines.size();
        int[] u = new int[n];
        int[] i = new int[n];
        float[] r = new float[n];
        long[] t = new long[n];
        for (int k = 0; k < n; k++) {
            String[] f = lines.get(k).split("\t");
            u[k] = Integer.parseInt(f[0]) - 1;
            i[k] = Integer.parseInt(f[1]) - 1;
            r[k] = Float.parseFloat(f[2]);
            t[k] = Long.parseLong(f[3]);
        }
        int users = Arrays.stream(u).max().getAsInt() + 1;
        int items = Arrays.stream(i).max().getAsInt() + 1;
        InteractionTable all = new InteractionTable(u, i, r, t, users, items);
        List<ItemInfo> info = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("u.item"), StandardCharsets.ISO_8859_1)) {
            String[] f = line.split("\\|");
            List<String> cats = new ArrayList<>();
            for (int g = 0; g < GENRES.length; g++) {
                if (f[5 + g].equals("1")) {
                    cats.add(GENRES[g]);
                }
            }
            info.add(new ItemInfo(f[1], cats, ""));
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("u.user"))) {
            String[] f = line.split("\\|");
            int age = Integer.parseInt(f[1]);
            profiles.add(new UserProfile(Map.of("age", String.valueOf(age / 10), "gender", f[2], "occupation", f[3])));
        }

        int[] order = all.timeOrder();
        int cut = (int) (n * 0.8);
        InteractionTable train = all.select(Arrays.copyOfRange(order, 0, cut));
        InteractionTable test = all.select(Arrays.copyOfRange(order, cut, n));
        LabelRule rule = LabelRule.atLeast(4);
        CtrExamples trainEx = CtrExamples.of(train, rule, 20);
        CtrExamples testEx = CtrExamples.of(train, test, rule, 20);
        CtrFeatures features = CtrFeatures.encode(users, items, info, profiles);
        long t0 = System.nanoTime();
        DcnV2 dcn = DcnV2.fit(features, trainEx, train.latestItemsByUser(20), DcnV2Config.defaults(),
                TrainConfig.builder().epochs(3).batchSize(1024).learningRate(1e-3).seed(1).build(), TrainHooks.none(), null);
        double sec = (System.nanoTime() - t0) / 1e9;
        float[] p = dcn.scoreExamples(testEx.users(), testEx.items(), testEx.histories());
        System.out.printf(Locale.ROOT, "ml-100k dcnv2: test AUC %.4f (3 epochs, %.1f s, %.0f samples/s)%n",
                fastAuc(p, testEx.labels()), sec, 3.0 * trainEx.size() / sec);

        // Leave-one-out: each user's last interaction is held out.
        int[][] seqs = all.latestItemsByUser(Integer.MAX_VALUE);
        boolean[] held = new boolean[n];
        int[] lastRow = new int[users];
        Arrays.fill(lastRow, -1);
        for (int row : order) {
            lastRow[u[row]] = row;
        }
        for (int user = 0; user < users; user++) {
            held[lastRow[user]] = true;
        }
        InteractionTable looTrain = all.filter(row -> !held[row]);
        int[] target = new int[users];
        for (int user = 0; user < users; user++) {
            target[user] = seqs[user][seqs[user].length - 1];
        }
        TrainConfig seqTrain = TrainConfig.builder().epochs(40).batchSize(128).learningRate(1e-3).seed(1).build();
        report("popularity", popularity(looTrain), target);
        report("sasrec", SasRec.fit(looTrain, SasRecConfig.defaults(), seqTrain, TrainHooks.none(), null), target);
        report("gru4rec", Gru4Rec.fit(looTrain, Gru4RecConfig.defaults(), seqTrain, TrainHooks.none(), null), target);
        report("bert4rec", Bert4Rec.fit(looTrain, Bert4RecConfig.defaults(), seqTrain, TrainHooks.none(), null), target);
    }

    private static float[][] popularity(InteractionTable train) {
        int[] c = train.itemCounts();
        float[] s = new float[c.length];
        for (int k = 0; k < c.length; k++) {
            s[k] = c[k];
        }
        float[][] out = new float[train.numUsers()][];
        Arrays.fill(out, s);
        return out;
    }

    private static void report(String name, Object model, int[] target) {
        int users = target.length;
        int hits = 0;
        long t0 = System.nanoTime();
        for (int user = 0; user < users; user++) {
            float[] s;
            if (model instanceof Recommender rec) {
                int[] all = new int[rec.numItems()];
                for (int k = 0; k < all.length; k++) {
                    all[k] = k;
                }
                s = rec.scoreCandidates(new int[] {user}, new int[][] {all})[0];
            } else {
                s = ((float[][]) model)[user];
            }
            hits += RankingChecks.rank(s, target[user]) < 10 ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "ml-100k leave-one-out %s: HR@10 %.4f%n", name, hits / (double) users);
    }

    /** AUC by ranks (Mann–Whitney U with average ranks for ties). */
    private static double fastAuc(float[] s, float[] y) {
        Integer[] idx = new Integer[s.length];
        for (int k = 0; k < s.length; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(s[a], s[b]));
        double rankSum = 0;
        long pos = 0;
        int k = 0;
        while (k < s.length) {
            int j = k;
            while (j + 1 < s.length && s[idx[j + 1]] == s[idx[k]]) {
                j++;
            }
            double avg = (k + j) / 2.0 + 1;
            for (int m = k; m <= j; m++) {
                if (y[idx[m]] == 1f) {
                    rankSum += avg;
                    pos++;
                }
            }
            k = j + 1;
        }
        long neg = s.length - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
