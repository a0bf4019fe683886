package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.ItemInfo;

/**
 * The data set layouts Tandem reads. Every loader streams its files, indexes users and items in
 * order of first appearance in the interactions, gives items without metadata
 * {@link ItemInfo#EMPTY}, and drops metadata of items nobody interacted with (so the item index
 * is exactly the interacted items; the {@link #TANDEM} format keeps its own index instead).
 */
public enum DatasetFormat {
    /** MovieLens 100K directory ({@code u.data}, {@code u.item}, {@code u.user}, {@code u.genre}). */
    ML_100K("ml-100k", MovieLens100kLoader::load),
    /** MovieLens 1M or 10M directory ({@code ratings.dat}, {@code movies.dat}, {@code users.dat}). */
    ML_1M("ml-1m", MovieLensDatLoader::load),
    /** Amazon reviews file (2014 Python literals or 2018/2023 JSON lines, optionally gzip) plus optional metadata. */
    AMAZON("amazon", AmazonLoader::load),
    /** A delimited file with the columns of {@link LoadOptions#csv()} and optional side files ({@link CsvSideFiles}). */
    CSV("csv", CsvLoader::load),
    /** RecBole's atomic files ({@code NAME.inter}, optional {@code NAME.item} and {@code NAME.user}), see {@link RecBoleLoader}. */
    RECBOLE("recbole", RecBoleLoader::load),
    /** Tandem's own directory format, see {@link TandemDatasetFormat}. */
    TANDEM("tandem", TandemDatasetFormat::load);

    /** A loader's entry point. */
    private interface Loader {
        LoadResult load(Path path, LoadOptions options) throws IOException;
    }

    private final String id;
    private final Loader loader;

    DatasetFormat(String id, Loader loader) {
        this.id = id;
        this.loader = loader;
    }

    /** The name used on the command line and in configs. */
    public String id() {
        return id;
    }

    /** The format of the given name (case-insensitive); an unknown name lists the valid ones. */
    public static DatasetFormat parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (DatasetFormat f : values()) {
            if (f.id.equals(n)) {
                return f;
            }
        }
        throw new UsageException("unknown data set format '" + name + "', expected one of "
                + Arrays.stream(values()).map(DatasetFormat::id).collect(Collectors.joining(", ")));
    }

    /** Loads the data set; see {@link #loadWithReport} for the skipped-line count. */
    public Dataset load(Path path, LoadOptions options) throws IOException {
        return loadWithReport(path, options).dataset();
    }

    /**
     * Loads the data set and reports what was skipped.
     *
     * @throws DataFormatException on the first malformed line unless {@link LoadOptions#skipBadLines()}
     * @throws IllegalArgumentException when the path is not of this format or nothing was loaded
     */
    public LoadResult loadWithReport(Path path, LoadOptions options) throws IOException {
        return loader.load(path, options);
    }

    @Override
    public String toString() {
        return id;
    }
}
