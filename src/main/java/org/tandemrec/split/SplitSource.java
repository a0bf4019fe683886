package org.tandemrec.split;

import java.util.List;
import java.util.Objects;
import org.tandemrec.data.LabelRule;

/**
 * Where the split data came from, recorded in the manifest: the source path and format, the
 * filters applied in order (e.g. "kcore:5"), and the label rule that turned ratings into labels.
 * A non-implicit rule means the data set's values are already 0/1 labels.
 *
 * @param name data set name
 * @param path source path as the user gave it
 * @param format source format (e.g. "ml-100k", "amazon", "csv", "synthetic")
 * @param filters filters applied, in order
 * @param labelRule rule that produced the values (implicit: every interaction is positive)
 */
public record SplitSource(String name, String path, String format, List<String> filters, LabelRule labelRule) {
    public SplitSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        filters = List.copyOf(Objects.requireNonNull(filters, "filters"));
        Objects.requireNonNull(labelRule, "labelRule");
    }

    /** An in-memory data set with implicit feedback, e.g. in tests. */
    public static SplitSource implicitData(String name) {
        return new SplitSource(name, "", "memory", List.of(), LabelRule.implicitFeedback());
    }

    public boolean explicitLabels() {
        return !labelRule.implicit();
    }
}
