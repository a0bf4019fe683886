package org.tandemrec.data.format;

import java.nio.file.Path;
import java.util.Objects;
import org.tandemrec.data.DataFormatException;

/**
 * How a data set is loaded.
 *
 * @param skipBadLines when true, malformed lines are skipped and counted in the
 *     {@link LoadReport}; when false the first one fails the load with a {@link DataFormatException}
 * @param csv the column mapping of the generic CSV format (ignored by the other formats)
 * @param amazonMetadata the Amazon metadata file (titles, categories, descriptions), or null
 * @param csvSideFiles the item and user side files of the CSV format (ignored by the other formats)
 */
public record LoadOptions(boolean skipBadLines, CsvColumns csv, Path amazonMetadata, CsvSideFiles csvSideFiles) {
    public LoadOptions {
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(csvSideFiles, "csvSideFiles");
    }

    /** Options without CSV side files. */
    public LoadOptions(boolean skipBadLines, CsvColumns csv, Path amazonMetadata) {
        this(skipBadLines, csv, amazonMetadata, CsvSideFiles.NONE);
    }

    /** Strict loading, default CSV columns, no side files. */
    public static LoadOptions defaults() {
        return new LoadOptions(false, CsvColumns.defaults(), null, CsvSideFiles.NONE);
    }

    public LoadOptions withSkipBadLines(boolean skip) {
        return new LoadOptions(skip, csv, amazonMetadata, csvSideFiles);
    }

    public LoadOptions withCsv(CsvColumns columns) {
        return new LoadOptions(skipBadLines, columns, amazonMetadata, csvSideFiles);
    }

    public LoadOptions withAmazonMetadata(Path metadata) {
        return new LoadOptions(skipBadLines, csv, metadata, csvSideFiles);
    }

    public LoadOptions withCsvSideFiles(CsvSideFiles sideFiles) {
        return new LoadOptions(skipBadLines, csv, amazonMetadata, sideFiles);
    }
}
