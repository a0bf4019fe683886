package org.tandemrec.data.format;

import java.util.Objects;
import org.tandemrec.data.Dataset;

/** A loaded data set with the report of its load. */
public record LoadResult(Dataset dataset, LoadReport report) {
    public LoadResult {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(report, "report");
    }
}
