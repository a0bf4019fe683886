package org.tandemrec.llm.safetensors;

import static org.tandemrec.cli.HostileInput.DATA;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;
import org.tandemrec.cli.HostileInput;
import org.tandemrec.llm.FixtureCheckpoint;

/**
 * The safetensors part of the malformed-input corpus: the tiny fixture's {@code model.safetensors}
 * truncated at many offsets, with a lying header length, a header that is not JSON, broken tensor
 * entries, overlapping or out-of-range offsets, dtypes and shapes that disagree with the bytes,
 * tensors that disagree with config.json, sparse files beyond 2 GiB, and base weights holding
 * NaN or ±Inf in each stored dtype (the whole fixture rewritten as F16 or BF16) and in a shard;
 * each run through {@code tandem llm check}.
 */
class SafetensorsCorpusTest {
    private static final String FILE = "model.safetensors";
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";
    private static final String K = "model.layers.0.self_attn.k_proj.weight";
    private static final String V = "model.layers.0.self_attn.v_proj.weight";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] original;
    private static ObjectNode header;
    private static byte[] data;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void readFixture() throws IOException {
        org.tandemrec.llm.decoder.TorchThreads.set(1);
        original = Files.readAllBytes(FixtureCheckpoint.TINY.resolve(FILE));
        long n = ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        header = (ObjectNode) JSON.readTree(new String(original, 8, (int) n, StandardCharsets.UTF_8));
        data = Arrays.copyOfRange(original, 8 + (int) n, original.length);
    }

    private static byte[] assemble(long declared, byte[] headerBytes, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + headerBytes.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(headerBytes).put(body);
        return b.array();
    }

    private static byte[] withHeader(String json) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return assemble(h.length, h, data);
    }

    private static byte[] edited(Consumer<ObjectNode> edit) {
        ObjectNode h = header.deepCopy();
        edit.accept(h);
        return withHeader(h.toString());
    }

    private static ObjectNode entry(ObjectNode h, String tensor) {
        return (ObjectNode) h.get(tensor);
    }

    private static DynamicTest bad(String name, List<String> mentions, byte[] bytes) {
        return refused(name, DATA, () -> {
            Path dir = FixtureCheckpoint.copy(HostileInput.caseDirectory(tmp).resolve("model"));
            Files.write(dir.resolve(FILE), bytes);
            return Invocation.of(mentions, FixtureCheckpoint.check(dir));
        });
    }

    /** The first tensor in header order whose bytes end beyond {@code dataLen}. */
    private static String firstCut(long dataLen) {
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("__metadata__") && e.getValue().get("data_offsets").get(1).asLong() > dataLen) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("nothing cut at " + dataLen);
    }

    @TestFactory
    Stream<DynamicNode> truncated() {
        long headerEnd = original.length - data.length;
        List<DynamicTest> cases = new ArrayList<>();
        for (long at : new long[] {0, 1, 4, 7, 8, 9, 12, 100, 1000, 2000, headerEnd - 1}) {
            cases.add(bad("safetensors truncated at byte " + at + " (in the header)", List.of(FILE, "header"),
                    Arrays.copyOf(original, (int) at)));
        }
        for (long d : new long[] {0, 1, 4, 1000, 153599, 153600, 153601, 200000, 307200, 400000, 500000, 600000,
            data.length - 4, data.length - 1}) {
            cases.add(bad("safetensors truncated at data byte " + d, List.of(FILE, firstCut(d)),
                    Arrays.copyOf(original, (int) (headerEnd + d))));
        }
        return corpus("safetensors truncated", cases);
    }

    @TestFactory
    Stream<DynamicNode> lyingHeaderLength() {
        byte[] h = Arrays.copyOfRange(original, 8, original.length - data.length);
        List<DynamicTest> cases = new ArrayList<>();
        for (long len : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 2, 7, h.length - 1, h.length + 1,
            h.length + 100, original.length - 8, original.length - 7, (100L << 20) + 1, 1L << 31}) {
            cases.add(bad("safetensors header length " + len + " for a header of " + h.length + " bytes",
                    List.of(FILE, "header"), assemble(len, h, data)));
        }
        return corpus("safetensors lying header length", cases);
    }

    @TestFactory
    Stream<DynamicNode> headerNotJson() {
        List<DynamicTest> cases = new ArrayList<>();
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        texts.put("prose", "this is not json");
        texts.put("spaces only", "        ");
        texts.put("a list", "[]");
        texts.put("a string", "\"weights\"");
        texts.put("null", "null");
        texts.put("a number", "42");
        texts.put("an open brace", "{");
        texts.put("trailing garbage", header.toString() + "garbage");
        texts.put("two objects", header.toString() + header.toString());
        texts.put("deep nesting", "[".repeat(5000) + "]".repeat(5000));
        texts.put("duplicate tensor", header.toString().replaceFirst("\\{", "{\"" + Q + "\":"
                + header.get(K).toString() + ","));
        texts.put("a control character", "{\"a\u0001\":1}");
        for (Map.Entry<String, String> t : texts.entrySet()) {
            cases.add(bad("safetensors header is " + t.getKey(), List.of(FILE, "header"), withHeader(t.getValue())));
        }
        byte[] bad = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
        cases.add(bad("safetensors header has invalid UTF-8", List.of(FILE, "header"), assemble(bad.length, bad, data)));
        cases.add(bad("safetensors header is an empty object", List.of(FILE, "header"),
                withHeader("{}")));
        return corpus("safetensors header not JSON", cases);
    }

    @TestFactory
    Stream<DynamicNode> brokenEntries() {
        List<DynamicTest> cases = new ArrayList<>();
        Map<String, Consumer<ObjectNode>> edits = new java.util.LinkedHashMap<>();
        edits.put("without dtype", e -> e.remove("dtype"));
        edits.put("without shape", e -> e.remove("shape"));
        edits.put("without data_offsets", e -> e.remove("data_offsets"));
        edits.put("with one offset", e -> e.putArray("data_offsets").add(442880));
        edits.put("with three offsets", e -> e.putArray("data_offsets").add(442880).add(459264).add(459264));
        edits.put("with offsets as a string", e -> e.put("data_offsets", "442880-459264"));
        edits.put("with offsets as strings", e -> e.putArray("data_offsets").add("442880").add("459264"));
        edits.put("with fractional offsets", e -> e.putArray("data_offsets").add(442880.5).add(459264.5));
        edits.put("with null offsets", e -> e.putArray("data_offsets").addNull().addNull());
        edits.put("with shape as a number", e -> e.put("shape", 4096));
        edits.put("with a negative dimension", e -> e.putArray("shape").add(-64).add(-64));
        edits.put("with a fractional dimension", e -> e.putArray("shape").add(64.5).add(63.5));
        edits.put("with a dimension as a string", e -> e.putArray("shape").add("64").add("64"));
        edits.put("with a nested shape", e -> ((ArrayNode) e.putArray("shape").addArray()).add(64).add(64));
        edits.put("with a shape whose product overflows", e -> e.putArray("shape").add(1L << 32).add(1L << 32));
        edits.put("with a shape whose product overflows to the same bytes",
                e -> e.putArray("shape").add(1L << 62).add(4).add(4096));
        edits.put("with a dimension beyond long", e -> e.putArray("shape").add(new java.math.BigInteger("1" + "0".repeat(30))));
        edits.put("with dtype as a number", e -> e.put("dtype", 5));
        edits.put("with dtype I64", e -> e.put("dtype", "I64"));
        edits.put("with dtype F64", e -> e.put("dtype", "F64"));
        edits.put("with dtype F8_E4M3", e -> e.put("dtype", "F8_E4M3"));
        edits.put("with dtype BOOL", e -> e.put("dtype", "BOOL"));
        edits.put("with an empty dtype", e -> e.put("dtype", ""));
        for (Map.Entry<String, Consumer<ObjectNode>> e : edits.entrySet()) {
            cases.add(bad("safetensors tensor " + e.getKey(), List.of(FILE, Q), edited(h -> e.getValue().accept(entry(h, Q)))));
        }
        cases.add(bad("safetensors tensor entry is a number", List.of(FILE, Q), edited(h -> h.put(Q, 5))));
        cases.add(bad("safetensors tensor entry is a string", List.of(FILE, Q), edited(h -> h.put(Q, "F32"))));
        cases.add(bad("safetensors tensor entry is a list", List.of(FILE, Q), edited(h -> h.putArray(Q))));
        cases.add(bad("safetensors tensor entry is null", List.of(FILE, Q), edited(h -> h.putNull(Q))));
        cases.add(bad("safetensors tensor with an empty name", List.of(FILE, Q), edited(h -> h.set("", h.remove(Q)))));
        cases.add(bad("safetensors of another tandem format version", List.of(FILE, "tandem_format_version"),
                edited(h -> ((ObjectNode) h.get("__metadata__")).put("tandem_format_version", "99"))));
        cases.add(bad("safetensors metadata is a list", List.of(FILE, "__metadata__"), edited(h -> h.putArray("__metadata__"))));
        return corpus("safetensors broken tensor entries", cases);
    }

    @TestFactory
    Stream<DynamicNode> offsets() {
        List<DynamicTest> cases = new ArrayList<>();
        cases.add(bad("safetensors two tensors share their bytes", List.of(FILE, K, V),
                edited(h -> entry(h, V).set("data_offsets", entry(h, K).get("data_offsets").deepCopy()))));
        cases.add(bad("safetensors tensor overlaps its neighbour", List.of(FILE, Q),
                edited(h -> entry(h, Q).putArray("data_offsets").add(442876).add(459260))));
        cases.add(bad("safetensors tensor with a negative begin", List.of(FILE, Q),
                edited(h -> entry(h, Q).putArray("data_offsets").add(-16384).add(0))));
        cases.add(bad("safetensors tensor ends before it begins", List.of(FILE, Q),
                edited(h -> entry(h, Q).putArray("data_offsets").add(459264).add(442880))));
        cases.add(bad("safetensors tensor one byte past the data", List.of(FILE, "model.norm.weight"),
                edited(h -> entry(h, "model.norm.weight").putArray("data_offsets").add(data.length - 255).add(data.length + 1))));
        cases.add(bad("safetensors tensor at the end of the long range", List.of(FILE, Q),
                edited(h -> entry(h, Q).putArray("data_offsets").add(Long.MAX_VALUE - 16384).add(Long.MAX_VALUE))));
        cases.add(bad("safetensors tensor offsets beyond long", List.of(FILE, Q),
                edited(h -> entry(h, Q).putArray("data_offsets").add(new java.math.BigInteger("18446744073709551616"))
                        .add(new java.math.BigInteger("18446744073709568000")))));
        cases.add(bad("safetensors bytes that belong to no tensor", List.of(FILE),
                concat(withHeader(header.toString()), new byte[64])));
        cases.add(bad("safetensors a hole between tensors", List.of(FILE, "model.norm.weight"), edited(h -> {
            entry(h, "model.norm.weight").putArray("shape").add(32);
            entry(h, "model.norm.weight").putArray("data_offsets").add(627840).add(627968);
        })));
        return corpus("safetensors offsets", cases);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @TestFactory
    Stream<DynamicNode> dtypeAndShapeAgainstBytes() {
        List<DynamicTest> cases = new ArrayList<>();
        Map<String, Consumer<ObjectNode>> edits = new java.util.LinkedHashMap<>();
        edits.put("a shape one column wider", e -> e.putArray("shape").add(64).add(65));
        edits.put("a shape of half the rows", e -> e.putArray("shape").add(32).add(64));
        edits.put("a vector shape", e -> e.putArray("shape").add(64));
        edits.put("a scalar shape", e -> e.putArray("shape"));
        edits.put("a zero dimension", e -> e.putArray("shape").add(0).add(64));
        edits.put("dtype F16 for F32 bytes", e -> e.put("dtype", "F16"));
        edits.put("dtype BF16 for F32 bytes", e -> e.put("dtype", "BF16"));
        for (Map.Entry<String, Consumer<ObjectNode>> e : edits.entrySet()) {
            cases.add(bad("safetensors tensor with " + e.getKey(), List.of(FILE, Q), edited(h -> e.getValue().accept(entry(h, Q)))));
        }
        return corpus("safetensors dtype and shape against bytes", cases);
    }

    @TestFactory
    Stream<DynamicNode> weightsAgainstConfig() {
        List<DynamicTest> cases = new ArrayList<>();
        ObjectNode withoutNorm = header.deepCopy();
        withoutNorm.remove("model.norm.weight");
        byte[] hb = withoutNorm.toString().getBytes(StandardCharsets.UTF_8);
        cases.add(bad("safetensors without a tensor config.json needs", List.of(FILE, "model.norm.weight"),
                assemble(hb.length, hb, Arrays.copyOf(data, data.length - 256))));
        cases.add(bad("safetensors tensor renamed", List.of(FILE, Q),
                edited(h -> h.set(Q.replace("q_proj", "query"), h.remove(Q)))));
        cases.add(bad("safetensors tensor transposed against config.json", List.of(FILE, "model.layers.0.mlp.down_proj.weight"),
                edited(h -> entry(h, "model.layers.0.mlp.down_proj.weight").putArray("shape").add(144).add(64))));
        cases.add(bad("safetensors vocabulary disagrees with config.json", List.of(FILE, "model.embed_tokens.weight"),
                edited(h -> entry(h, "model.embed_tokens.weight").putArray("shape").add(1200).add(32))));
        return corpus("safetensors weights against config.json", cases);
    }

    /** The fixture's tensors in offset order: name and float32 values. */
    private static Map<String, float[]> fixtureValues() {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        header.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) {
                entries.add(e);
            }
        });
        entries.sort(java.util.Comparator.comparingLong(e -> e.getValue().get("data_offsets").get(0).asLong()));
        for (Map.Entry<String, JsonNode> e : entries) {
            int from = e.getValue().get("data_offsets").get(0).asInt();
            int to = e.getValue().get("data_offsets").get(1).asInt();
            float[] v = new float[(to - from) / 4];
            ByteBuffer.wrap(data, from, to - from).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** IEEE half bits of a float (round toward zero; values below the smallest normal half become zero). */
    private static short half(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(f)) {
            return (short) (sign | 0x7E00);
        }
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        if (exp >= 0x1f) {
            return (short) (sign | 0x7C00);
        }
        if (exp <= 0) {
            return (short) sign;
        }
        return (short) (sign | (exp << 10) | ((bits >>> 13) & 0x3ff));
    }

    /**
     * The fixture's {@code model.safetensors} with every tensor stored as {@code dtype} and
     * element {@code at} of {@code tensor} set to {@code bad}.
     */
    private static byte[] storedAs(String dtype, String tensor, int at, float bad) {
        Map<String, float[]> values = fixtureValues();
        values.get(tensor)[at] = bad;
        int width = dtype.equals("F32") ? 4 : 2;
        ObjectNode h = JSON.createObjectNode();
        h.set("__metadata__", header.get("__metadata__"));
        long total = values.values().stream().mapToLong(v -> (long) v.length * width).sum();
        ByteBuffer body = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            ObjectNode entry = h.putObject(e.getKey());
            entry.put("dtype", dtype);
            entry.set("shape", header.get(e.getKey()).get("shape"));
            entry.putArray("data_offsets").add(body.position()).add(body.position() + (long) e.getValue().length * width);
            for (float f : e.getValue()) {
                switch (dtype) {
                    case "F32" -> body.putFloat(f);
                    case "F16" -> body.putShort(half(f));
                    default -> body.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
                }
            }
        }
        byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
        return assemble(hb.length, hb, body.array());
    }

    @TestFactory
    Stream<DynamicNode> nonFiniteWeights() {
        List<DynamicTest> cases = new ArrayList<>();
        String up = "model.layers.1.mlp.up_proj.weight";
        // First, last and inner elements: a scan block's start, the tail after the last whole word, and between.
        Object[][] spots = {{"NaN", Float.NaN, Q, 0}, {"+Inf", Float.POSITIVE_INFINITY, up, 144 * 64 - 1},
            {"-Inf", Float.NEGATIVE_INFINITY, "model.norm.weight", 37}};
        for (String dtype : List.of("F32", "F16", "BF16")) {
            for (Object[] s : spots) {
                String tensor = (String) s[2];
                int at = (Integer) s[3];
                cases.add(bad("safetensors " + dtype + " base weights with " + s[0], List.of(FILE, tensor, dtype,
                        "holds " + (s[0].equals("+Inf") ? "Infinity" : s[0].equals("-Inf") ? "-Infinity" : "NaN"),
                        "element " + at), storedAs(dtype, tensor, at, (Float) s[1])));
            }
        }
        // A NaN that is not the canonical one (another payload, the sign bit set) is found as well.
        cases.add(bad("safetensors F32 base weights with a negative NaN of another payload", List.of(FILE, K, "element 1234"),
                storedAs("F32", K, 1234, Float.intBitsToFloat(0xFFC01234))));
        cases.add(refused("safetensors sharded base weights with NaN in the second shard", DATA, () -> {
            Path dir = FixtureCheckpoint.copy(HostileInput.caseDirectory(tmp).resolve("model"));
            Files.delete(dir.resolve(FILE));
            Map<String, float[]> values = fixtureValues();
            values.get("model.layers.1.self_attn.o_proj.weight")[100] = Float.NaN;
            Map<String, SafetensorsWriter.Tensor> first = new java.util.LinkedHashMap<>();
            Map<String, SafetensorsWriter.Tensor> second = new java.util.LinkedHashMap<>();
            ObjectNode map = JSON.createObjectNode();
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                long[] shape = JSON.convertValue(header.get(e.getKey()).get("shape"), long[].class);
                boolean late = e.getKey().startsWith("model.layers.1") || e.getKey().equals("model.norm.weight");
                (late ? second : first).put(e.getKey(), new SafetensorsWriter.Tensor(shape, e.getValue()));
                map.put(e.getKey(), late ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
            }
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of());
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of());
            ObjectNode index = JSON.createObjectNode();
            index.set("weight_map", map);
            Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE), index.toString());
            return Invocation.of(List.of("model-00002-of-00002.safetensors", "model.layers.1.self_attn.o_proj.weight",
                    "element 100"), FixtureCheckpoint.check(dir));
        }));
        return corpus("safetensors non-finite base weights", cases);
    }

    /** Sparse files: {@code setLength} reserves no disk, so the 2 GiB+ sizes cost nothing. */
    @TestFactory
    Stream<DynamicNode> beyondTwoGiB() {
        List<DynamicTest> cases = new ArrayList<>();
        cases.add(sparse("safetensors 3 GiB sparse file with one tensor above 2 GiB", List.of(FILE, "lm_head.weight"), 600L * 1_000_000 * 4 - 153600 + 627968,
                h -> {
                    long big = 600L * 1_000_000 * 4;
                    entry(h, "lm_head.weight").putArray("shape").add(600).add(1_000_000);
                    long shift = big - 153600;
                    for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getKey().equals("__metadata__")) {
                            continue;
                        }
                        ArrayNode o = (ArrayNode) e.getValue().get("data_offsets");
                        long b = o.get(0).asLong() == 0 ? 0 : o.get(0).asLong() + shift;
                        long en = o.get(1).asLong() + shift;
                        ((ObjectNode) e.getValue()).putArray("data_offsets").add(b).add(en);
                    }
                }));
        cases.add(sparse("safetensors 3 GiB sparse file of zeros after the tensors", List.of(FILE), 3L << 30, h -> { }));
        cases.add(sparse("safetensors 2 GiB + 1 sparse file with a tensor reaching its end", List.of(FILE, "model.norm.weight"),
                (2L << 30) + 1, h -> entry(h, "model.norm.weight").putArray("data_offsets").add(627712).add(1L << 40)));
        return corpus("safetensors 2 GiB+ sparse files", cases);
    }

    /** A header edited by {@code edit} followed by {@code dataSize} bytes of a sparse file. */
    private static DynamicTest sparse(String name, List<String> mentions, long dataSize, Consumer<ObjectNode> edit) {
        return refused(name, DATA, () -> {
            Path dir = FixtureCheckpoint.copy(HostileInput.caseDirectory(tmp).resolve("model"));
            Path f = dir.resolve(FILE);
            ObjectNode h = header.deepCopy();
            edit.accept(h);
            byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(f, assemble(hb.length, hb, new byte[0]));
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(8 + hb.length + dataSize);
            }
            return Invocation.of(mentions, FixtureCheckpoint.check(dir));
        });
    }
}
