package org.tandemrec.data.format;

import java.util.List;

/**
 * What a load did besides producing the data set.
 *
 * @param interactions interactions loaded
 * @param skippedLines malformed lines skipped (always 0 unless skipping was asked for)
 * @param firstSkipped the messages of the first few skipped lines (file, line, field, problem)
 * @param droppedMetadataItems item side-file entries (metadata) of items that no interaction refers to
 * @param droppedMetadataUsers user side-file entries of users that no interaction refers to
 * @param itemsWithoutInfo indexed items left with no title, categories or description (all of
 *     them when no item side file was read): their prompts show no title, and text negatives see
 *     no text for them
 * @param usersWithoutProfile indexed users left with no profile field
 */
public record LoadReport(long interactions, long skippedLines, List<String> firstSkipped, long droppedMetadataItems,
                         long droppedMetadataUsers, long itemsWithoutInfo, long usersWithoutProfile) {
    public LoadReport {
        if (interactions < 0 || skippedLines < 0 || droppedMetadataItems < 0 || droppedMetadataUsers < 0
                || itemsWithoutInfo < 0 || usersWithoutProfile < 0) {
            throw new IllegalArgumentException("counts must be >= 0, got interactions=" + interactions
                    + " skippedLines=" + skippedLines + " droppedMetadataItems=" + droppedMetadataItems
                    + " droppedMetadataUsers=" + droppedMetadataUsers + " itemsWithoutInfo=" + itemsWithoutInfo
                    + " usersWithoutProfile=" + usersWithoutProfile);
        }
        firstSkipped = List.copyOf(firstSkipped);
    }
}
