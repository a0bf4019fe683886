package org.tandemrec.data;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    LoadReport report(long interactions, long droppedMetadataItems) {
        if (count > 0) {
            LOG.warn("skipped {} bad line(s); first: {}", count, examples.get(0));
        }
        return new LoadReport(interactions, count, examples, droppedMetadataItems);
    }
}
