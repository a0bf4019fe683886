package org.tandemrec.data.format;

import java.nio.file.Path;
import org.tandemrec.base.UsageException;

/**
 * Optional item and user side files of the generic CSV format, which give CSV data the titles
 * that prompts and text negatives read and the profile fields of users. Both are delimited like
 * the interactions file ({@link CsvColumns#delimiter()}) and always have a header, whose names
 * select the columns.
 *
 * <p>Items: the id column, and any of {@code title}, {@code categories} (several joined by
 * {@code |}) and {@code description}; other columns are ignored. Users: the id column, and every
 * other column becomes a profile field of that name.
 *
 * @param items the item side file, or null
 * @param itemIdColumn the header name of the item id column in {@code items}
 * @param users the user side file, or null
 * @param userIdColumn the header name of the user id column in {@code users}
 */
public record CsvSideFiles(Path items, String itemIdColumn, Path users, String userIdColumn) {
    /** No side files, default id column names {@code item_id} and {@code user_id}. */
    public static final CsvSideFiles NONE = new CsvSideFiles(null, "item_id", null, "user_id");

    public CsvSideFiles {
        requireName("itemIdColumn", itemIdColumn);
        requireName("userIdColumn", userIdColumn);
        if (items != null && items.equals(users)) {
            throw new UsageException("items and users side files must be different files, both are " + items);
        }
    }

    private static void requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new UsageException(what + " must be a non-empty column name, got '" + name + "'");
        }
    }

    public CsvSideFiles withItems(Path file, String idColumn) {
        return new CsvSideFiles(file, idColumn, users, userIdColumn);
    }

    public CsvSideFiles withUsers(Path file, String idColumn) {
        return new CsvSideFiles(items, itemIdColumn, file, idColumn);
    }
}
