package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;

class TrainPartTest {
    @TempDir
    Path tmp;

    @Test
    void theTrainingRowsComeBackWithTheirRatingsOverTheSplitsIndices() throws IOException {
        InteractionTable raw = SplitFixtures.table(40, 30, 6, 12, 3);
        Dataset data = SplitFixtures.dataset(raw);
        SplitSource src = new SplitSource("fixture", "/data/x.csv", "csv", List.of(), LabelRule.atLeast(4));
        SplitData time = SplitPlan.run(data.withInteractions(LabelRule.atLeast(4).apply(raw)), src, SplitConfig.corella(),
                tmp.resolve("time"), raw);
        Dataset part = TrainPart.of(time, "part");
        InteractionTable t = part.interactions();
        assertEquals(time.train().size(), t.size());
        assertEquals(SplitIdentity.idsSha256(time), SplitIdentity.idsSha256(part.users(), part.items()));
        int ratedAboveOne = 0;
        for (int r = 0; r < t.size(); r++) {
            assertEquals(time.train().user(r), t.user(r));
            assertEquals(time.train().item(r), t.item(r));
            assertEquals(time.train().timestamp(r), t.timestamp(r));
            // The label was rating >= 4; the row carries the rating itself.
            assertEquals(time.train().value(r), t.value(r) >= 4 ? 1f : 0f, "row " + r);
            ratedAboveOne += t.value(r) > 1 ? 1 : 0;
        }
        assertTrue(ratedAboveOne > 0, "ratings, not labels");

        // An implicit split keeps no ratings: its labels come back.
        SplitData loo = SplitPlan.run(data, SplitSource.implicitData("fixture"), SplitConfig.defaults().withNegatives(5)
                .withSampler(SplitConfig.SamplerKind.UNIFORM).withCtrSampler(SplitConfig.SamplerKind.UNIFORM), tmp.resolve("loo"));
        InteractionTable labels = TrainPart.of(loo, "p").interactions();
        for (int r = 0; r < labels.size(); r++) {
            assertEquals(loo.train().value(r), labels.value(r));
        }
    }

    @Test
    void aSplitIdentityFileReadsBackAndAnotherFileIsRefusedNamingIt() throws IOException {
        SplitIdentity id = new SplitIdentity("a".repeat(64), "b".repeat(64));
        Path f = tmp.resolve("id.json");
        id.write(f);
        assertEquals(id, SplitIdentity.read(f));
        Files.writeString(f, Files.readString(f).replace("b".repeat(64), "xyz"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SplitIdentity.read(f));
        assertTrue(e.getMessage().contains("split_ids_sha256") && e.getMessage().contains("not a SHA-256"), e.getMessage());
        Files.writeString(f, "{\"format\": \"something-else\", \"version\": 1}");
        assertTrue(assertThrows(DataFormatException.class, () -> SplitIdentity.read(f)).getMessage()
                .contains("not a tandem-split-identity file"));
    }
}
