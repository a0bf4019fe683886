package org.tandemrec.crm;

import java.util.SplittableRandom;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.UserItems;

/**
 * A seeded test world: users and items in latent clusters, each user interacting mostly with
 * items of its own cluster (Zipf-skewed within the cluster) and sometimes with any item. One
 * interaction per user is held out for hit-rate / AUC checks.
 */
public final class SyntheticClusters {
    public final InteractionTable train;
    public final int[] heldOutItem;
    public final int numUsers;
    public final int numItems;

    public SyntheticClusters(int numUsers, int numItems, int clusters, int perUser, long seed) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        SplittableRandom r = new SplittableRandom(seed);
        InteractionTable.Builder b = new InteractionTable.Builder();
        heldOutItem = new int[numUsers];
        int perCluster = numItems / clusters;
        for (int u = 0; u < numUsers; u++) {
            int c = u % clusters;
            boolean[] seen = new boolean[numItems];
            int added = 0;
            int last = -1;
            while (added < perUser + 1) {
                int item;
                if (r.nextDouble() < 0.85) {
                    // Zipf-like skew inside the cluster: index ~ floor(perCluster · U²)
                    double x = r.nextDouble();
                    item = c * perCluster + (int) (perCluster * x * x);
                } else {
                    item = r.nextInt(numItems);
                }
                if (!seen[item]) {
                    seen[item] = true;
                    if (added < perUser) {
                        b.add(u, item, 1f, added);
                    } else {
                        last = item;
                    }
                    added++;
                }
            }
            heldOutItem[u] = last;
        }
        train = b.build(numUsers, numItems);
    }

    /** Share of users whose held-out item ranks in the top 10 among all items they have not interacted with. */
    public double hitRateAt10(org.tandemrec.crm.Recommender model) {
        UserItems seen = UserItems.of(train);
        int hits = 0;
        int[] items = new int[numItems];
        int[] users = new int[numItems];
        for (int i = 0; i < numItems; i++) {
            items[i] = i;
        }
        for (int u = 0; u < numUsers; u++) {
            java.util.Arrays.fill(users, u);
            float[] s = model.score(users, items);
            float target = s[heldOutItem[u]];
            int better = 0;
            for (int i = 0; i < numItems; i++) {
                if (i != heldOutItem[u] && !seen.contains(u, i) && s[i] >= target) {
                    better++;
                }
            }
            if (better < 10) {
                hits++;
            }
        }
        return (double) hits / numUsers;
    }
}
