package org.tandemrec.data;

import java.util.List;

/**
 * What a load did besides producing the data set.
 *
 * @param interactions interactions loaded
 * @param skippedLines malformed lines skipped (always 0 unless skipping was asked for)
 * @param firstSkipped the messages of the first few skipped lines (file, line, field, problem)
 * @param droppedMetadataItems metadata entries of items that no interaction refers to
 */
public record LoadReport(long interactions, long skippedLines, List<String> firstSkipped, long droppedMetadataItems) {
    public LoadReport {
        if (interactions < 0 || skippedLines < 0 || droppedMetadataItems < 0) {
            throw new IllegalArgumentException("counts must be >= 0, got interactions=" + interactions
                    + " skippedLines=" + skippedLines + " droppedMetadataItems=" + droppedMetadataItems);
        }
        firstSkipped = List.copyOf(firstSkipped);
    }
}
