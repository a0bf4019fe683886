package org.tandemrec.llm.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.DecoderWeights;

/** Safetensors parsing, dtype widening, sharding and error messages, on hand-written files. */
class SafetensorsTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path LLAMA = Fixtures.path("hf/tiny-llama");

    /** Writes a file from a raw header and data bytes. */
    private static Path raw(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(file, b.array());
        return file;
    }

    @Test
    void pickleWeightsAreNeverRead(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("hf"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, 'c'});
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.open(dir));
        assertEquals(dir.resolve("pytorch_model.bin"), e.file());
        assertTrue(e.getMessage().contains("PyTorch pickle weights can run code when loaded and are never read"), e.getMessage());
        // given by name, a .pt/.ckpt file is refused before a byte of it is read, whatever it holds
        for (String name : new String[] {"model.pt", "last.ckpt", "weights.pth"}) {
            Path f = Files.write(tmp.resolve(name), new byte[] {1, 2, 3});
            assertEquals(f, assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.open(f)).file());
        }
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(java.io.FileNotFoundException.class, () -> SafetensorsReader.open(empty));
    }

    @Test
    void widensHalfAndBfloat16(@TempDir Path tmp) throws IOException {
        // 1.0, -2.0, 0.5, 65504 (largest half), 2^-24 (smallest subnormal half) as IEEE half.
        short[] half = {0x3c00, (short) 0xc000, 0x3800, 0x7bff, 0x0001};
        // 1.0, -2.0, 3.140625 as bfloat16 (top 16 bits of the float32).
        short[] bf = {0x3f80, (short) 0xc000, 0x4049};
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : half) {
            d.putShort(s);
        }
        for (short s : bf) {
            d.putShort(s);
        }
        Path f = raw(tmp.resolve("x.safetensors"),
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[0,10]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[10,16]}}", d.array());
        SafetensorsFile sf = SafetensorsFile.open(f);
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 65504f, 0x1p-24f}, sf.tensors().get("h").toFloatArray());
        assertArrayEquals(new float[] {1f, -2f, 3.140625f}, sf.tensors().get("b").toFloatArray());
    }

    @Test
    void malformedFilesNameTheProblem(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f)).getMessage().contains("8-byte"));
        raw(f, "{not json", new byte[0]);
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f)).getMessage().contains("JSON"));
        raw(f, "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f)).getMessage().contains("tensor w"));
        raw(f, "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f)).getMessage().contains("I64"));
        raw(f, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f)).getMessage().contains("outside"));
    }

    @Test
    void writerRoundTripsAndShardedIndexLoads(@TempDir Path tmp) throws IOException {
        SafetensorsReader full = SafetensorsReader.open(LLAMA);
        assertThrows(DataFormatException.class, () -> full.tensor("model.layers.9.mlp.up_proj.weight"));
        // Split the fixture's tensors over two shards with an index, as large checkpoints are stored.
        Map<String, SafetensorsWriter.Tensor> a = new LinkedHashMap<>();
        Map<String, SafetensorsWriter.Tensor> b = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (String name : full.names()) {
            SafetensorsTensor t = full.tensor(name);
            boolean first = i++ % 2 == 0;
            (first ? a : b).put(name, new SafetensorsWriter.Tensor(t.shape(), t.toFloatArray()));
            index.append(i > 1 ? "," : "").append('"').append(name).append("\":\"")
                    .append(first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
        }
        index.append("}}");
        SafetensorsWriter.write(tmp.resolve("model-00001-of-00002.safetensors"), a, Map.of("format", "pt"));
        SafetensorsWriter.write(tmp.resolve("model-00002-of-00002.safetensors"), b, Map.of());
        Files.writeString(tmp.resolve(SafetensorsReader.INDEX_FILE), index);
        SafetensorsReader sharded = SafetensorsReader.open(tmp);
        assertEquals(full.names(), sharded.names());
        for (String name : full.names()) {
            assertArrayEquals(full.tensor(name).toFloatArray(), sharded.tensor(name).toFloatArray(), name);
        }
        Files.copy(LLAMA.resolve("config.json"), tmp.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(tmp, m)) {
            assertEquals(w.config().parameterCount(), w.tensors().values().stream().mapToLong(x -> x.getShape().size()).sum());
        }
    }

    @Test
    void shapeDisagreeingWithConfigNamesTheTensor(@TempDir Path tmp) throws IOException {
        Files.copy(LLAMA.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        Files.writeString(tmp.resolve("config.json"),
                Files.readString(LLAMA.resolve("config.json")).replace("\"intermediate_size\": 144", "\"intermediate_size\": 128"));
        try (NDManager m = NDManager.newBaseManager()) {
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> DecoderWeights.load(tmp, m));
            assertTrue(e.getMessage().contains("model.layers.0.mlp.down_proj.weight")
                    || e.getMessage().contains("model.layers.0.mlp.gate_proj.weight"), e.getMessage());
        }
    }

    @Test
    void filesOverTwoGibAreMappedInSeveralRegions(@TempDir Path tmp) throws IOException {
        // A sparse 3 GiB file: two 1.5 GiB tensors, too big for one mapped buffer together.
        long n = 3L << 27; // 402,653,184 floats = 1.5 GiB
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[0," + 4 * n + "]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[" + 4 * n + "," + 8 * n + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = tmp.resolve("big.safetensors");
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8 + h.length + 8 * n);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            raf.write(h);
            raf.seek(8 + h.length + 8 * n - 4); // last float of b
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(7.5f).array());
        }
        SafetensorsFile sf = SafetensorsFile.open(f);
        SafetensorsTensor b = sf.tensors().get("b");
        assertEquals(n, b.elementCount());
        assertEquals(7.5f, b.toFloat32().getFloat((int) (4 * n - 4)));
        assertEquals(0f, sf.tensors().get("a").toFloat32().getFloat(0));
    }
    /** A tensor of {@code n} finite values stored as {@code dtype}, with the raw bits {@code badBits} at each of {@code at}. */
    private static SafetensorsTensor withBits(SafetensorsDtype dtype, int n, int badBits, int... at) {
        ByteBuffer b = ByteBuffer.allocate(n * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        // The largest finite value and the smallest subnormal of each type, and zeros of both signs.
        int[] finite = switch (dtype) {
            case F32 -> new int[] {0x7F7FFFFF, 0xFF7FFFFF, 0x00000001, 0x80000000, 0x3F800000};
            case F16 -> new int[] {0x7BFF, 0xFBFF, 0x0001, 0x8000, 0x3C00};
            case BF16 -> new int[] {0x7F7F, 0xFF7F, 0x0001, 0x8000, 0x3F80};
        };
        for (int i = 0; i < n; i++) {
            int bits = finite[i % finite.length];
            for (int a : at) {
                bits = a == i ? badBits : bits;
            }
            if (dtype == SafetensorsDtype.F32) {
                b.putInt(bits);
            } else {
                b.putShort((short) bits);
            }
        }
        return new SafetensorsTensor("t", dtype, new long[] {n}, b.flip());
    }

    @Test
    void theFirstNonFiniteElementIsFoundInEveryDtypeAndPlace() {
        // 5003 elements: whole 8-byte words in blocks of 1024, then a tail of 1 or 3 elements.
        int n = 5003;
        int[][] bitsByType = {{0x7FC00000, 0x7F800000, 0xFF800000, 0xFFC01234, 0x7F800001},
            {0x7E00, 0x7C00, 0xFC00, 0xFE01, 0x7C01}, {0x7FC0, 0x7F80, 0xFF80, 0xFFC1, 0x7F81}};
        SafetensorsDtype[] types = SafetensorsDtype.values();
        for (int d = 0; d < types.length; d++) {
            SafetensorsDtype dtype = types[d];
            assertEquals(-1, withBits(dtype, n, 0).firstNonFinite(), dtype + ": every value finite");
            for (int bits : bitsByType[d]) {
                for (int at : new int[] {0, 1, 511, 2047, 2048, 4095, 4096, 4999, 5000, 5002}) {
                    assertEquals(at, withBits(dtype, n, bits, at).firstNonFinite(),
                            dtype + " " + Integer.toHexString(bits) + " at " + at);
                }
                assertEquals(7, withBits(dtype, n, bits, 4200, 7).firstNonFinite(), "the first of two");
            }
        }
        // A view that starts inside a larger buffer counts from its own start.
        ByteBuffer whole = ByteBuffer.allocate(4 * 10).order(ByteOrder.LITTLE_ENDIAN);
        whole.putInt(4 * 2, 0x7F800000);
        whole.putInt(4 * 7, 0x7F800000);
        SafetensorsTensor slice = new SafetensorsTensor("s", SafetensorsDtype.F32, new long[] {5},
                whole.duplicate().position(4 * 3).limit(4 * 8).slice());
        assertEquals(4, slice.firstNonFinite());
    }
}
