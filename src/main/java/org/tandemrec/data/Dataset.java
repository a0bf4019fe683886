package org.tandemrec.data;

import java.util.List;
import java.util.Objects;

/**
 * A loaded data set: the interactions, the id maps that give their dense indexes meaning, and
 * the side information of every indexed item and user.
 *
 * @param name a short name for reports (e.g. "ml-100k", "synthetic")
 * @param interactions the interactions over {@code users.size()} users and {@code items.size()} items
 * @param users raw user id ↔ dense index
 * @param items raw item id ↔ dense index
 * @param itemInfo one entry per item index ({@link ItemInfo#EMPTY} when unknown)
 * @param userProfiles one entry per user index ({@link UserProfile#EMPTY} when unknown)
 */
public record Dataset(String name, InteractionTable interactions, IdMap users, IdMap items,
                      List<ItemInfo> itemInfo, List<UserProfile> userProfiles) {
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interactions, "interactions");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        itemInfo = List.copyOf(itemInfo);
        userProfiles = List.copyOf(userProfiles);
        if (interactions.numUsers() != users.size()) {
            throw new IllegalArgumentException("interactions.numUsers " + interactions.numUsers()
                    + " != users.size " + users.size());
        }
        if (interactions.numItems() != items.size()) {
            throw new IllegalArgumentException("interactions.numItems " + interactions.numItems()
                    + " != items.size " + items.size());
        }
        if (itemInfo.size() != items.size()) {
            throw new IllegalArgumentException("itemInfo has " + itemInfo.size() + " entries for " + items.size() + " items");
        }
        if (userProfiles.size() != users.size()) {
            throw new IllegalArgumentException("userProfiles has " + userProfiles.size() + " entries for " + users.size() + " users");
        }
    }

    public int numUsers() {
        return users.size();
    }

    public int numItems() {
        return items.size();
    }

    /** The same data set with other interactions over the same index spaces. */
    public Dataset withInteractions(InteractionTable table) {
        return new Dataset(name, table, users, items, itemInfo, userProfiles);
    }
}
