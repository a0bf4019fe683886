package org.tandemrec.split;

import java.util.List;
import java.util.Objects;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * A complete split: the three parts (values are 0/1 labels), the fixed top-K candidate lists
 * and CTR evaluation sets (empty when the task does not ask for them), the id maps and side
 * information, and the manifest. Everything a trainer or evaluator needs.
 *
 * @param ctrValid validation rows for CTR / interaction prediction with labels: the natural
 *     labels of explicit data, or each positive followed by its sampled negative (label 0)
 * @param ctrTest the same for the test part
 * @param ratings the data set's own values before a label rule made them labels (every row of
 *     every part, e.g. 1–5 stars), for prompts that show a history with its ratings; empty for
 *     implicit feedback and for splits written before ratings were kept
 */
public record SplitData(SplitManifest manifest, InteractionTable train, InteractionTable valid,
                        InteractionTable test, CandidateLists validCandidates, CandidateLists testCandidates,
                        InteractionTable ctrValid, InteractionTable ctrTest, IdMap users, IdMap items,
                        List<ItemInfo> itemInfo, List<UserProfile> userProfiles, InteractionTable ratings) {
    public SplitData {
        Objects.requireNonNull(ratings, "ratings");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(valid, "valid");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(validCandidates, "validCandidates");
        Objects.requireNonNull(testCandidates, "testCandidates");
        Objects.requireNonNull(ctrValid, "ctrValid");
        Objects.requireNonNull(ctrTest, "ctrTest");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        itemInfo = List.copyOf(itemInfo);
        userProfiles = List.copyOf(userProfiles);
    }

    /** The same split with the data set's ratings (see {@link #ratings()}). */
    public SplitData withRatings(InteractionTable r) {
        return new SplitData(manifest, train, valid, test, validCandidates, testCandidates, ctrValid, ctrTest, users, items,
                itemInfo, userProfiles, r);
    }

    /** The same split under another manifest (the one written, with its file checksums). */
    public SplitData withManifest(SplitManifest m) {
        return new SplitData(m, train, valid, test, validCandidates, testCandidates, ctrValid, ctrTest, users, items,
                itemInfo, userProfiles, ratings);
    }

    public int numUsers() {
        return users.size();
    }

    public int numItems() {
        return items.size();
    }

    public SplitConfig config() {
        return manifest.config();
    }

    /** The training part as a data set (same index spaces and side information). */
    public Dataset trainDataset() {
        return new Dataset(manifest.source().name(), train, users, items, itemInfo, userProfiles);
    }

    /** Every item each user interacted with in train, valid or test. */
    public UserItems knownItems() {
        return UserItems.of(train, valid, test);
    }
}
