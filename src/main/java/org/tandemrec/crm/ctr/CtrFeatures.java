package org.tandemrec.crm.ctr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * Categorical side features of users and items as ids for CTR models (DCNv2): each item's
 * categories (a multi-hot bag over a category vocabulary) and one id per user-profile field.
 * Vocabularies are sorted so that the same data gives the same ids; profile id 0 means
 * "missing". Histories (the items a user saw before an interaction, oldest first) are built by
 * {@link #historiesBefore} and {@link InteractionTable#latestItemsByUser}.
 */
public final class CtrFeatures {
    private final int numUsers;
    private final int numItems;
    private final int numCategories;
    private final int[][] itemCategories;
    private final List<String> profileFields;
    private final int[] fieldSizes;
    private final int[][] userFieldIds;

    CtrFeatures(int numUsers, int numItems, int numCategories, int[][] itemCategories, List<String> profileFields,
                int[] fieldSizes, int[][] userFieldIds) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.numCategories = numCategories;
        this.itemCategories = itemCategories;
        this.profileFields = List.copyOf(profileFields);
        this.fieldSizes = fieldSizes;
        this.userFieldIds = userFieldIds;
    }

    /** Features of a dataset's users and items. */
    public static CtrFeatures of(Dataset d) {
        return encode(d.numUsers(), d.numItems(), d.itemInfo(), d.userProfiles());
    }

    /**
     * Encodes {@code items} (index = item id; empty list = no side info) and {@code users}
     * (index = user id; empty list = no profiles).
     */
    public static CtrFeatures encode(int numUsers, int numItems, List<ItemInfo> items, List<UserProfile> users) {
        if (!items.isEmpty() && items.size() != numItems) {
            throw new IllegalArgumentException("itemInfo has " + items.size() + " entries for " + numItems + " items");
        }
        if (!users.isEmpty() && users.size() != numUsers) {
            throw new IllegalArgumentException("userProfiles has " + users.size() + " entries for " + numUsers + " users");
        }
        TreeSet<String> cats = new TreeSet<>();
        for (ItemInfo info : items) {
            cats.addAll(info.categories());
        }
        Map<String, Integer> catId = index(cats);
        int[][] itemCats = new int[numItems][];
        for (int i = 0; i < numItems; i++) {
            List<String> c = items.isEmpty() ? List.of() : items.get(i).categories();
            itemCats[i] = c.stream().mapToInt(catId::get).distinct().sorted().toArray();
        }
        TreeMap<String, TreeSet<String>> values = new TreeMap<>();
        for (UserProfile p : users) {
            for (Map.Entry<String, String> e : p.fields().entrySet()) {
                values.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(e.getValue());
            }
        }
        List<String> fields = new ArrayList<>(values.keySet());
        int[] sizes = new int[fields.size()];
        List<Map<String, Integer>> vocab = new ArrayList<>();
        for (int f = 0; f < fields.size(); f++) {
            Map<String, Integer> v = index(values.get(fields.get(f)));
            vocab.add(v);
            sizes[f] = v.size() + 1;
        }
        int[][] userIds = new int[numUsers][fields.size()];
        for (int u = 0; u < numUsers && !users.isEmpty(); u++) {
            for (int f = 0; f < fields.size(); f++) {
                String v = users.get(u).fields().get(fields.get(f));
                userIds[u][f] = v == null ? 0 : vocab.get(f).get(v) + 1;
            }
        }
        return new CtrFeatures(numUsers, numItems, cats.size(), itemCats, fields, sizes, userIds);
    }

    private static Map<String, Integer> index(TreeSet<String> sorted) {
        Map<String, Integer> m = new TreeMap<>();
        for (String s : sorted) {
            m.put(s, m.size());
        }
        return m;
    }

    /**
     * For each row of {@code table}, the items of the same user's earlier rows (by timestamp,
     * ties by row order), at most {@code h}, oldest first. Every earlier row counts, whatever its
     * label: the history is what the user was exposed to.
     */
    public static int[][] historiesBefore(InteractionTable table, int h) {
        if (h <= 0) {
            throw new UsageException("history length must be > 0, got " + h);
        }
        int[][] out = new int[table.size()][];
        int[][] ring = new int[table.numUsers()][];
        int[] count = new int[table.numUsers()];
        for (int row : table.timeOrder()) {
            int u = table.user(row);
            if (ring[u] == null) {
                ring[u] = new int[h];
            }
            int n = Math.min(count[u], h);
            int[] hist = new int[n];
            for (int k = 0; k < n; k++) {
                hist[k] = ring[u][(count[u] - n + k) % h];
            }
            out[row] = hist;
            ring[u][count[u] % h] = table.item(row);
            count[u]++;
        }
        return out;
    }

    /**
     * Input fields of a CTR model over these features: user, item, categories (when items have
     * any), one per profile field, and the history.
     */
    public int numFields() {
        return 3 + (numCategories > 0 ? 1 : 0) + profileFields.size();
    }

    public int numUsers() { return numUsers; }
    public int numItems() { return numItems; }
    public int numCategories() { return numCategories; }
    public List<String> profileFields() { return profileFields; }

    /** Vocabulary size of profile field f, including id 0 = missing. */
    public int fieldSize(int f) { return fieldSizes[f]; }

    int[] fieldSizes() { return fieldSizes.clone(); }

    /** Category ids of item i (sorted, possibly empty). */
    public int[] categoriesOf(int item) { return itemCategories[item].clone(); }

    /** Profile ids of user u, one per {@link #profileFields()} entry. */
    public int[] profileOf(int user) { return userFieldIds[user].clone(); }

    int[][] itemCategoriesView() { return itemCategories; }

    int[][] userFieldIdsView() { return userFieldIds; }

    @Override
    public String toString() {
        return "CtrFeatures[users=" + numUsers + ", items=" + numItems + ", categories=" + numCategories + ", fields="
                + profileFields + " " + Arrays.toString(fieldSizes) + "]";
    }
}
