package org.tandemrec.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a data set is loaded.
 *
 * @param skipBadLines when true, malformed lines are skipped and counted in the
 *     {@link LoadReport}; when false the first one fails the load with a {@link DataFormatException}
 * @param csv the column mapping of the generic CSV format (ignored by the other formats)
 * @param amazonMetadata the Amazon metadata file (titles, categories, descriptions), or null
 */
public record LoadOptions(boolean skipBadLines, CsvColumns csv, Path amazonMetadata) {
    public LoadOptions {
        Objects.requireNonNull(csv, "csv");
    }

    /** Strict loading, default CSV columns, no Amazon metadata. */
    public static LoadOptions defaults() {
        return new LoadOptions(false, CsvColumns.defaults(), null);
    }

    public LoadOptions withSkipBadLines(boolean skip) {
        return new LoadOptions(skip, csv, amazonMetadata);
    }

    public LoadOptions withCsv(CsvColumns columns) {
        return new LoadOptions(skipBadLines, columns, amazonMetadata);
    }

    public LoadOptions withAmazonMetadata(Path metadata) {
        return new LoadOptions(skipBadLines, csv, metadata);
    }
}
