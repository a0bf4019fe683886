package org.tandemrec.split;

import java.util.HashMap;
import java.util.Map;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;

/**
 * The training part of a split as a data set of its own, its users and items indexed as in the
 * split. A split cut from it (leave-one-out for BDLM, say, from CoReLLa's time split) then holds
 * no interaction the first split keeps for validation or test, and whatever is trained on it —
 * an LLM's {@code <uid_k>}/{@code <iid_k>} rows above all — means the same users and items on
 * both splits (their id maps, and so {@link SplitIdentity#idsSha256}, are equal). Users or items
 * without a training row keep their index; they simply have no interactions here.
 *
 * <p>Each row carries its rating when the split kept the ratings its label rule was applied to
 * ({@link SplitData#ratings()}), so a new label rule can be applied; otherwise its label.
 */
public final class TrainPart {
    private TrainPart() {
    }

    /** The data set of {@code split}'s training rows, in their order, under the name {@code name}. */
    public static Dataset of(SplitData split, String name) {
        InteractionTable train = split.train();
        InteractionTable ratings = split.ratings();
        Map<Row, Float> rated = new HashMap<>(ratings.size() * 2);
        for (int r = 0; r < ratings.size(); r++) {
            rated.put(new Row(ratings.user(r), ratings.item(r), ratings.timestamp(r)), ratings.value(r));
        }
        InteractionTable.Builder b = new InteractionTable.Builder(train.size());
        for (int r = 0; r < train.size(); r++) {
            Float rating = rated.get(new Row(train.user(r), train.item(r), train.timestamp(r)));
            b.add(train.user(r), train.item(r), rating != null ? rating : train.value(r), train.timestamp(r));
        }
        return new Dataset(name, b.build(train.numUsers(), train.numItems()), split.users(), split.items(),
                split.itemInfo(), split.userProfiles());
    }

    private record Row(int user, int item, long timestamp) {
    }
}
