package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * Generic delimited interactions file (CSV per RFC 4180, TSV, or any delimiter), with the
 * columns given by a {@link CsvColumns}. Ids, header names and side-file text are UTF-8: other
 * bytes are refused naming the line and field, as replacement characters would merge distinct ids.
 * Items and users have side information only from the optional side files of
 * {@link LoadOptions#csvSideFiles()}.
 */
final class CsvLoader {
    private CsvLoader() {
    }

    static LoadResult load(Path file, LoadOptions options) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "expected a delimited interactions file");
        }
        CsvColumns cols = options.csv();
        BadLines bad = new BadLines(options.skipBadLines());
        InteractionCollector c = new InteractionCollector(InteractionCollector.expectedRows(file, 20),
                StandardCharsets.UTF_8);
        try (DelimitedReader r = new DelimitedReader(file, cols.delimiter(), true).withProgress(file.getFileName().toString())) {
            int[] idx = null;
            if (!cols.header()) {
                idx = new int[] {cols.user().index(), cols.item().index(), indexOrAbsent(cols.rating()),
                        indexOrAbsent(cols.timestamp())};
            }
            int needed = 0;
            while (true) {
                try {
                    if (!r.next()) {
                        break;
                    }
                    if (r.isBlank()) {
                        continue;
                    }
                    if (idx == null) {
                        idx = resolveHeader(r, cols);
                        needed = Math.max(Math.max(idx[0], idx[1]), Math.max(idx[2], idx[3])) + 1;
                        continue;
                    }
                    needed = needed == 0 ? Math.max(Math.max(idx[0], idx[1]), Math.max(idx[2], idx[3])) + 1 : needed;
                    if (r.fieldCount() < needed) {
                        throw r.problem("(record)", "expected at least " + needed + " fields, got " + r.fieldCount());
                    }
                    c.add(r, idx[0], idx[1], idx[2], idx[3]);
                } catch (DataFormatException e) {
                    bad.handle(e);
                }
            }
            if (idx == null) {
                throw new DataFormatException(file, "empty file, expected a header line");
            }
        }
        InteractionCollector.Interactions in = c.finish(file, bad);
        CsvSideFiles side = options.csvSideFiles();
        List<ItemInfo> info = in.emptyItemInfo();
        long droppedItems = side.items() == null ? 0
                : CsvSideFileReader.readItems(side.items(), cols.delimiter(), side.itemIdColumn(), in.items(), info, bad);
        List<UserProfile> profiles = in.emptyProfiles();
        long droppedUsers = side.users() == null ? 0
                : CsvSideFileReader.readUsers(side.users(), cols.delimiter(), side.userIdColumn(), in.users(), profiles, bad);
        return bad.result(in.toDataset(baseName(file), info, profiles), droppedItems, droppedUsers);
    }

    private static int indexOrAbsent(CsvColumns.Column c) {
        return c == null ? -1 : c.index();
    }

    /** Column indexes {user, item, rating, timestamp} (-1 when absent) from the header record. */
    private static int[] resolveHeader(DelimitedReader r, CsvColumns cols) {
        List<String> names = new ArrayList<>();
        for (int f = 0; f < r.fieldCount(); f++) {
            String n = r.utf8(f, "(header)");
            names.add(f == 0 && n.startsWith("\uFEFF") ? n.substring(1) : n);
        }
        return new int[] {resolve(r, names, cols.user(), "user"), resolve(r, names, cols.item(), "item"),
                resolve(r, names, cols.rating(), "rating"), resolve(r, names, cols.timestamp(), "timestamp")};
    }

    private static int resolve(DelimitedReader r, List<String> header, CsvColumns.Column c, String what) {
        if (c == null) {
            return -1;
        }
        if (c.name() == null) {
            if (c.index() >= header.size()) {
                throw new DataFormatException(r.file(), what + " column #" + c.index()
                        + " is beyond the header's " + header.size() + " columns " + header);
            }
            return c.index();
        }
        int i = header.indexOf(c.name());
        if (i < 0) {
            throw new DataFormatException(r.file(), "no " + what + " column '" + c.name()
                    + "' in the header " + header);
        }
        return i;
    }

    /** The file name without directories and extensions (".csv", ".tsv.gz", ...). */
    static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
