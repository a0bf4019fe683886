package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;

class SyntheticTruthTest {
    private static SyntheticTruth truth;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        truth = SyntheticWorld.generate(SyntheticConfig.defaults().withSize(300, 400).withTargetInteractions(6000))
                .truth();
    }

    @Test
    void roundTripKeepsEveryValue() throws IOException {
        Path file = dir.resolve(SyntheticTruth.FILE_NAME);
        truth.save(file);
        SyntheticTruth back = SyntheticTruth.load(file);
        assertEquals(truth.config(), back.config());
        assertArrayEquals(truth.userTasteArray(), back.userTasteArray());
        assertArrayEquals(truth.userBiasArray(), back.userBiasArray());
        assertArrayEquals(truth.itemTopicsArray(), back.itemTopicsArray());
        assertArrayEquals(truth.itemBiasArray(), back.itemBiasArray());
        assertArrayEquals(truth.coldArray(), back.coldArray());
        for (int u = 0; u < truth.numUsers(); u += 7) {
            for (int i = 0; i < truth.numItems(); i += 11) {
                assertEquals(truth.probability(u, i), back.probability(u, i), 0);
            }
        }
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file is left behind");
        }
    }

    @Test
    void refusesWrongMagic() throws IOException {
        byte[] bytes = saved();
        bytes[0] = 'X';
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("magic", e.field());
    }

    @Test
    void refusesUnknownVersion() throws IOException {
        byte[] bytes = saved();
        int versionAt = TruthFile.MAGIC.length + 4 + TruthFile.FORMAT.length();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(versionAt, 2);
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("version", e.field());
        assertTrue(e.getMessage().contains("unsupported version 2"), e.getMessage());
    }

    @Test
    void refusesWrongFormatName() throws IOException {
        byte[] bytes = saved();
        bytes[TruthFile.MAGIC.length + 4] = 'X';
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("format", e.field());
    }

    @Test
    void refusesTruncatedAndTrailingData() throws IOException {
        byte[] bytes = saved();
        DataFormatException cut = assertThrows(DataFormatException.class,
                () -> SyntheticTruth.load(write(Arrays.copyOf(bytes, bytes.length - 3))));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        DataFormatException header = assertThrows(DataFormatException.class,
                () -> SyntheticTruth.load(write(Arrays.copyOf(bytes, 20))));
        assertTrue(header.getMessage().contains("truncated"), header.getMessage());
        DataFormatException extra = assertThrows(DataFormatException.class,
                () -> SyntheticTruth.load(write(Arrays.copyOf(bytes, bytes.length + 1))));
        assertTrue(extra.getMessage().contains("trailing"), extra.getMessage());
    }

    @Test
    void refusesInvalidColdFlag() throws IOException {
        byte[] bytes = saved();
        bytes[bytes.length - 1] = 7;
        DataFormatException e = assertThrows(DataFormatException.class, () -> SyntheticTruth.load(write(bytes)));
        assertEquals("cold", e.field());
    }

    private byte[] saved() throws IOException {
        Path file = dir.resolve("good.bin");
        truth.save(file);
        return Files.readAllBytes(file);
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        return file;
    }
}
