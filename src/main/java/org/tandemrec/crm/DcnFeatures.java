package org.tandemrec.crm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * The categorical inputs of {@link Dcn}, as integer ids: each item's categories (multi-hot),
 * each user's profile tokens (one per profile field, "field=value"), and each user's positive
 * items in time order (for the pooled recent history). Immutable once built.
 */
final class DcnFeatures {
    final int numUsers;
    final int numItems;
    final int numCategories;
    final int numProfileFields;
    final int numProfileTokens;
    /** itemCategoryStart[i] .. itemCategoryStart[i+1] index itemCategories. */
    final int[] itemCategoryStart;
    final int[] itemCategories;
    /** U × F token ids. */
    final int[] userTokens;
    /** historyStart[u] .. historyStart[u+1] index historyItems / historyTimes, increasing time. */
    final int[] historyStart;
    final int[] historyItems;
    final long[] historyTimes;

    DcnFeatures(int numUsers, int numItems, int numCategories, int numProfileFields, int numProfileTokens,
                int[] itemCategoryStart, int[] itemCategories, int[] userTokens, int[] historyStart,
                int[] historyItems, long[] historyTimes) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.numCategories = numCategories;
        this.numProfileFields = numProfileFields;
        this.numProfileTokens = numProfileTokens;
        this.itemCategoryStart = itemCategoryStart;
        this.itemCategories = itemCategories;
        this.userTokens = userTokens;
        this.historyStart = historyStart;
        this.historyItems = historyItems;
        this.historyTimes = historyTimes;
    }

    /**
     * @param train       labelled rows (value > 0.5 is a positive); positives form the histories
     * @param itemInfo    one entry per item (may be empty: no category field content)
     * @param profiles    one entry per user (may be empty: no profile fields)
     */
    static DcnFeatures build(InteractionTable train, List<ItemInfo> itemInfo, List<UserProfile> profiles) {
        int nu = train.numUsers();
        int ni = train.numItems();
        if (!itemInfo.isEmpty() && itemInfo.size() != ni) {
            throw new IllegalArgumentException("itemInfo has " + itemInfo.size() + " entries, the table " + ni + " items");
        }
        if (!profiles.isEmpty() && profiles.size() != nu) {
            throw new IllegalArgumentException("userProfiles has " + profiles.size() + " entries, the table " + nu + " users");
        }
        Map<String, Integer> catIds = new LinkedHashMap<>();
        int[] catStart = new int[ni + 1];
        List<Integer> cats = new ArrayList<>();
        for (int i = 0; i < ni; i++) {
            catStart[i] = cats.size();
            if (!itemInfo.isEmpty()) {
                for (String c : new TreeSet<>(itemInfo.get(i).categories())) {
                    cats.add(catIds.computeIfAbsent(c, k -> catIds.size()));
                }
            }
        }
        catStart[ni] = cats.size();
        TreeSet<String> fieldNames = new TreeSet<>();
        for (UserProfile p : profiles) {
            fieldNames.addAll(p.fields().keySet());
        }
        List<String> fields = new ArrayList<>(fieldNames);
        Map<String, Integer> tokenIds = new LinkedHashMap<>();
        int[] tokens = new int[nu * fields.size()];
        for (int u = 0; u < nu && !fields.isEmpty(); u++) {
            for (int f = 0; f < fields.size(); f++) {
                String token = fields.get(f) + "=" + profiles.get(u).get(fields.get(f));
                tokens[u * fields.size() + f] = tokenIds.computeIfAbsent(token, k -> tokenIds.size());
            }
        }
        int[] order = train.timeOrder();
        int[] start = new int[nu + 1];
        int positives = 0;
        for (int r : order) {
            if (train.value(r) > 0.5f) {
                start[train.user(r) + 1]++;
                positives++;
            }
        }
        for (int u = 0; u < nu; u++) {
            start[u + 1] += start[u];
        }
        int[] fill = Arrays.copyOf(start, nu);
        int[] items = new int[positives];
        long[] times = new long[positives];
        for (int r : order) {
            if (train.value(r) > 0.5f) {
                int k = fill[train.user(r)]++;
                items[k] = train.item(r);
                times[k] = train.timestamp(r);
            }
        }
        return new DcnFeatures(nu, ni, catIds.size(), fields.size(), tokenIds.size(), catStart,
                cats.stream().mapToInt(Integer::intValue).toArray(), tokens, start, items, times);
    }

    /** End (exclusive) of user u's history entries strictly before time t; Long.MAX_VALUE: all. */
    int historyEnd(int u, long t) {
        int lo = historyStart[u];
        int hi = historyStart[u + 1];
        if (t == Long.MAX_VALUE) {
            return hi;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (historyTimes[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
