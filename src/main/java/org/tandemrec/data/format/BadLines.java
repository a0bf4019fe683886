package org.tandemrec.data.format;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.ItemInfo;

/** Applies the bad-line policy of one load: rethrow, or count and remember a few examples. */
final class BadLines {
    private static final Logger LOG = LoggerFactory.getLogger(BadLines.class);
    private static final int EXAMPLES = 5;

    private final boolean skip;
    private long count;
    private final List<String> examples = new ArrayList<>();

    BadLines(boolean skip) {
        this.skip = skip;
    }

    /** Rethrows unless skipping; otherwise counts the line. */
    void handle(DataFormatException e) {
        if (!skip) {
            throw e;
        }
        count++;
        if (examples.size() < EXAMPLES) {
            examples.add(e.getMessage());
        }
    }

    long count() {
        return count;
    }

    List<String> examples() {
        return examples;
    }

    /**
     * The load's result: the data set with its report, which counts the skipped lines, the
     * side-file entries dropped for lack of interactions, and the items and users the side files
     * left empty.
     */
    LoadResult result(Dataset d, long droppedMetadataItems, long droppedMetadataUsers) {
        if (count > 0) {
            LOG.warn("skipped {} bad line(s); first: {}", count, examples.get(0));
        }
        long noInfo = d.itemInfo().stream().filter(ItemInfo.EMPTY::equals).count();
        long noProfile = d.userProfiles().stream().filter(p -> p.fields().isEmpty()).count();
        return new LoadResult(d, new LoadReport(d.interactions().size(), count, examples, droppedMetadataItems,
                droppedMetadataUsers, noInfo, noProfile));
    }
}
