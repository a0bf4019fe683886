package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.train.CheckpointException;

/**
 * The model file records the split its model was trained on (format version 2), refuses to be
 * scored on another split's users and items from that record alone, and still reads version 1
 * files to the same predictions.
 */
class ModelFileTest {
    private static final SplitIdentity A = new SplitIdentity("a".repeat(64), "1".repeat(64));
    private static final SplitIdentity B = new SplitIdentity("b".repeat(64), "2".repeat(64));

    @TempDir
    Path tmp;

    /** The scores the fixture gave when version 1 wrote it: every user with items 0–4. */
    private static float[] scores(Recommender m) {
        int n = m.numUsers() * 5;
        int[] users = new int[n];
        int[] items = new int[n];
        for (int k = 0; k < n; k++) {
            users[k] = k / 5;
            items[k] = k % 5;
        }
        return m.score(users, items);
    }

    private static void assertScores(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-7 + 1e-6 * Math.abs(expected[k]), "score " + k);
        }
    }

    @Test
    void aVersionOneFileStillLoadsToTheSamePredictionsAndRecordsNoSplit() throws Exception {
        Path v1 = Fixtures.path("crm/mf-bpr-v1.bin");
        JsonNode golden = new ObjectMapper().readTree(Fixtures.path("crm/mf-bpr-v1-golden.json").toFile());
        float[] expected = new float[golden.path("scores").size()];
        for (int k = 0; k < expected.length; k++) {
            expected[k] = (float) golden.path("scores").get(k).asDouble();
        }
        Recommender m = CrmCatalog.load(v1);
        assertEquals(golden.path("kind").asText(), m.kind());
        assertEquals(golden.path("users").asInt(), m.numUsers());
        assertEquals(golden.path("items").asInt(), m.numItems());
        assertScores(expected, scores(m));
        assertEquals(Optional.empty(), ModelFile.trainedOn(v1));
        assertEquals(Optional.empty(), ModelFile.read(v1).trainedOn());
        // Nothing recorded, nothing to refuse here: the caller falls back on the index sizes.
        ModelFile.requireSameIds(v1, tmp, B.idsSha256());

        // Written again by this version it keeps its predictions and gains the split's record.
        Path v2 = tmp.resolve("model.bin");
        m.save(v2, Optional.of(A));
        assertEquals(Optional.of(A), ModelFile.trainedOn(v2));
        assertEquals(Optional.of(A), ModelFile.read(v2).trainedOn());
        assertScores(expected, scores(CrmCatalog.load(v2)));
    }

    @Test
    void aModelRefusesAnotherSplitsUsersAndItemsFromItsFileAlone() throws Exception {
        Recommender m = CrmCatalog.load(Fixtures.path("crm/mf-bpr-v1.bin"));
        Path file = tmp.resolve("run").resolve("model.bin");
        Files.createDirectories(file.getParent());
        m.save(file, Optional.of(A));
        // Another split of the same data (other manifest, same id maps) is accepted.
        ModelFile.requireSameIds(file, tmp.resolve("same-ids"), A.idsSha256());
        Path other = tmp.resolve("split-b");
        UnusableFileException e = assertThrows(UnusableFileException.class,
                () -> ModelFile.requireSameIds(file, other, B.idsSha256()));
        assertEquals(other + ": its users and items are not those the model in " + file + " was trained on (id maps"
                + " sha256 222222222222… of " + other + ", 111111111111… recorded in model.bin); score it on a split of"
                + " the same data", e.getMessage());

        // A model trained outside a split directory records none.
        Path bare = tmp.resolve("bare.bin");
        m.save(bare);
        assertEquals(Optional.empty(), ModelFile.trainedOn(bare));
    }

    @Test
    void aDamagedSplitRecordOrANewerVersionIsRefusedNamingTheFile() throws Exception {
        Path flag = tmp.resolve("flag.bin");
        Files.write(flag, header(2, out -> out.writeByte(7)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelFile.trainedOn(flag));
        assertTrue(e.getMessage().contains("corrupted: split record flag 7"), e.getMessage());
        assertTrue(e.getMessage().startsWith(flag.toString()), e.getMessage());

        Path notHex = tmp.resolve("not-hex.bin");
        Files.write(notHex, header(2, out -> {
            out.writeByte(1);
            out.writeUTF("../../etc/passwd");
            out.writeUTF("2".repeat(64));
        }));
        e = assertThrows(CheckpointException.class, () -> ModelFile.trainedOn(notHex));
        assertTrue(e.getMessage().contains("corrupted: split record '../../etc/pa' is not a SHA-256"), e.getMessage());

        Path cut = tmp.resolve("cut.bin");
        Files.write(cut, header(2, out -> out.writeByte(1)));
        e = assertThrows(CheckpointException.class, () -> ModelFile.trainedOn(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path newer = tmp.resolve("newer.bin");
        Files.write(newer, header(3, out -> out.writeByte(0)));
        e = assertThrows(CheckpointException.class, () -> ModelFile.read(newer));
        assertTrue(e.getMessage().endsWith("tandem-crm-model version 3 is not supported (this build reads 1 to 2)"),
                e.getMessage());
    }

    private interface Body {
        void write(DataOutputStream out) throws Exception;
    }

    /** A model file's start: format, {@code version}, kind {@code mf}, then {@code body}. */
    private static byte[] header(int version, Body body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(ModelFile.FORMAT);
        out.writeInt(version);
        out.writeUTF("mf");
        body.write(out);
        out.flush();
        return Arrays.copyOf(bytes.toByteArray(), bytes.size());
    }
}
