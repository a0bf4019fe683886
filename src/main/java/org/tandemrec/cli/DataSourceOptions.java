package org.tandemrec.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.format.CsvColumns;
import org.tandemrec.data.format.CsvSideFiles;
import org.tandemrec.data.format.DatasetFormat;
import org.tandemrec.data.format.LoadOptions;
import org.tandemrec.data.format.LoadResult;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options that say where a data set is and how to read it ({@code --format}, the path, bad
 * lines, Amazon metadata, CSV columns and side files): a mixin of every command that loads one
 * (data stats, split, llm corpus).
 */
final class DataSourceOptions {
    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "ml-100k, ml-1m (also 10M), amazon, csv, recbole (atomic files: NAME.inter, optional NAME.item "
                    + "and NAME.user) or tandem")
    String format;

    @Parameters(index = "0", paramLabel = "PATH", description = "data set directory or file")
    Path path;

    @Option(names = "--skip-bad-lines", description = "skip and count malformed lines instead of failing")
    boolean skipBadLines;

    @Option(names = "--amazon-meta", paramLabel = "FILE", description = "Amazon metadata file (titles, categories)")
    Path amazonMetadata;

    @Option(names = "--delimiter", defaultValue = ",", paramLabel = "D",
            description = "csv: field delimiter; 'tab' for tabs (default ,)")
    String delimiter;

    @Option(names = "--no-header", description = "csv: the file has no header line (give columns by 0-based index)")
    boolean noHeader;

    @Option(names = "--user-col", defaultValue = "user_id", paramLabel = "COL", description = "csv: user column, name or index")
    String userColumn;

    @Option(names = "--item-col", defaultValue = "item_id", paramLabel = "COL", description = "csv: item column, name or index")
    String itemColumn;

    @Option(names = "--rating-col", defaultValue = "rating", paramLabel = "COL",
            description = "csv: rating column, or 'none' for implicit data")
    String ratingColumn;

    @Option(names = "--timestamp-col", defaultValue = "timestamp", paramLabel = "COL",
            description = "csv: timestamp column (integer seconds), or 'none' to use row order")
    String timestampColumn;

    @Option(names = "--items", paramLabel = "FILE",
            description = "csv: item side file with a header: the id column, title, categories (|-separated), description")
    Path itemsFile;

    @Option(names = "--items-id-col", defaultValue = "item_id", paramLabel = "NAME",
            description = "csv: the id column of --items (default item_id)")
    String itemsIdColumn;

    @Option(names = "--users", paramLabel = "FILE",
            description = "csv: user side file with a header: the id column and profile columns (each a profile field)")
    Path usersFile;

    @Option(names = "--users-id-col", defaultValue = "user_id", paramLabel = "NAME",
            description = "csv: the id column of --users (default user_id)")
    String usersIdColumn;

    LoadOptions loadOptions() {
        if (DatasetFormat.parse(format) != DatasetFormat.CSV) {
            if (itemsFile != null || usersFile != null) {
                throw new UsageException("--items and --users are side files of --format csv; " + format
                        + " reads its own");
            }
            return new LoadOptions(skipBadLines, CsvColumns.defaults(), amazonMetadata);
        }
        CsvSideFiles side = CsvSideFiles.NONE.withItems(itemsFile, itemsIdColumn).withUsers(usersFile, usersIdColumn);
        return new LoadOptions(skipBadLines, csvColumns(delimiter, !noHeader, userColumn, itemColumn, ratingColumn,
                timestampColumn), amazonMetadata, side);
    }

    /** CSV columns as the options give them: a delimiter ('tab' for tabs), header or not, columns by name or index ('none': absent). */
    static CsvColumns csvColumns(String delimiter, boolean header, String user, String item, String rating,
                                 String timestamp) {
        String d = delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
        return new CsvColumns(d, header, CsvColumns.Column.parse(user), CsvColumns.Column.parse(item),
                optionalColumn(rating), optionalColumn(timestamp));
    }

    /** Loads the data set; malformed input is a one-line message naming the file, line and field. */
    LoadResult load() throws IOException {
        LoadOptions options = loadOptions();
        return DatasetFormat.parse(format).loadWithReport(path, options);
    }

    private static CsvColumns.Column optionalColumn(String spec) {
        return spec.equalsIgnoreCase("none") ? null : CsvColumns.Column.parse(spec);
    }
}
