package org.tandemrec.cli;

import org.tandemrec.data.KCoreFilter;
import org.tandemrec.data.LabelRule;
import picocli.CommandLine.Option;

/** {@code --label-rule} and {@code --kcore}: which interactions count as positive, and the K-core to keep. */
final class FilterAndLabelOptions {
    @Option(names = "--label-rule", defaultValue = "implicit", paramLabel = "RULE",
            description = "'implicit' (every interaction positive) or '>=T' (rating >= T positive, e.g. >=4)")
    String labelRule;

    @Option(names = "--kcore", paramLabel = "K", description = "keep the K-core (users and items with >= K interactions)")
    Integer kcore;

    LabelRule labelRule() {
        return LabelRule.parse(labelRule);
    }

    /** The K-core filter, or null without {@code --kcore}. */
    KCoreFilter kcoreFilter() {
        return kcore == null ? null : KCoreFilter.of(kcore);
    }
}
