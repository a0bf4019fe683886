package org.tandemrec.llm.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw data. The data is memory-mapped in
 * read-only regions of at most 2 GiB each (a {@link MappedByteBuffer} cannot be larger), every
 * tensor lying inside one region; nothing is copied on open.
 */
public final class SafetensorsFile {
    /** Headers larger than this are refused as corrupt (real ones are a few hundred KiB). */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    // A header with a repeated tensor name or text after its object is ambiguous: refused, not guessed.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path path;
    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Map<String, SafetensorsTensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens and maps {@code path}; a malformed header fails with the file and the problem. */
    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw malformed(path, "file has " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
                throw malformed(path, "header length " + headerLen + " is impossible for a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8).trim());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw malformed(path, "header is not valid JSON: " + org.tandemrec.base.JsonSyntaxError.describe(e));
            }
            if (header == null || !header.isObject()) {
                throw malformed(path, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) {
                        throw malformed(path, "header field __metadata__ must be an object of strings, got " + e.getValue());
                    }
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                entries.add(parseEntry(path, e.getKey(), e.getValue(), dataLen));
            }
            checkLayout(path, entries, dataLen);
            return new SafetensorsFile(path, map(path, ch, dataStart, entries), metadata);
        }
    }

    private record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
    }

    private static Entry parseEntry(Path path, String name, JsonNode n, long dataLen) throws IOException {
        JsonNode dt = n.get("dtype");
        JsonNode sh = n.get("shape");
        JsonNode off = n.get("data_offsets");
        if (dt == null || sh == null || off == null || !dt.isTextual() || !sh.isArray() || !off.isArray() || off.size() != 2) {
            throw malformed(path, "header entry '" + name + "': a tensor needs dtype, shape and two data_offsets");
        }
        SafetensorsDtype dtype;
        try {
            dtype = SafetensorsDtype.parse(dt.asText(), name);
        } catch (IllegalArgumentException e) {
            throw malformed(path, e.getMessage());
        }
        long[] shape = new long[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!sh.get(i).isIntegralNumber() || !sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                throw malformed(path, "tensor " + name + ": bad shape " + sh + " (dimensions must be integers >= 0)");
            }
            shape[i] = sh.get(i).asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
                Math.multiplyExact(count, (long) dtype.bytes());
            } catch (ArithmeticException overflow) {
                throw malformed(path, "tensor " + name + ": shape " + sh + " is too large to address");
            }
        }
        for (JsonNode o : off) {
            if (!o.isIntegralNumber() || !o.canConvertToLong()) {
                throw malformed(path, "tensor " + name + ": data_offsets " + off + " must be two integers");
            }
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw malformed(path, "tensor " + name + ": data_offsets " + off + " outside the " + dataLen + " data bytes");
        }
        if (end - begin != count * dtype.bytes()) {
            throw malformed(path, "tensor " + name + ": shape " + sh + " of " + dtype + " needs "
                    + count * dtype.bytes() + " bytes, data_offsets give " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /**
     * The tensors must tile the data exactly, as the format requires: no two share a byte (a
     * write to one would change the other) and no byte belongs to none (a sign of a truncated
     * header or a file assembled wrongly).
     */
    private static void checkLayout(Path path, List<Entry> entries, long dataLen) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < at) {
                throw malformed(path, "tensors " + previous.name() + " and " + e.name() + " overlap (data_offsets ["
                        + previous.begin() + ", " + previous.end() + "] and [" + e.begin() + ", " + e.end() + "])");
            }
            if (e.begin() > at) {
                throw malformed(path, "data bytes [" + at + ", " + e.begin() + ") before tensor " + e.name()
                        + " belong to no tensor");
            }
            at = e.end();
            previous = e;
        }
        if (at != dataLen) {
            // The data starts where the header's length says the header ends: a length that lies
            // shifts every tensor, which shows first as bytes left over at the end.
            throw malformed(path, "data bytes [" + at + ", " + dataLen + ") after "
                    + (previous == null ? "the header" : "tensor " + previous.name()) + " belong to no tensor (is the "
                    + "header length in the file's first 8 bytes the header's?)");
        }
    }

    /** Maps the data in regions below 2 GiB, each holding whole tensors. */
    private static Map<String, SafetensorsTensor> map(Path path, FileChannel ch, long dataStart, List<Entry> entries)
            throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin));
        Map<String, SafetensorsTensor> out = new LinkedHashMap<>();
        int i = 0;
        while (i < sorted.size()) {
            long regionStart = sorted.get(i).begin();
            int j = i;
            long regionEnd = regionStart;
            while (j < sorted.size() && sorted.get(j).end() - regionStart <= Integer.MAX_VALUE) {
                regionEnd = Math.max(regionEnd, sorted.get(j).end());
                j++;
            }
            if (j == i) {
                throw malformed(path, "tensor " + sorted.get(i).name() + " is larger than 2 GiB, which cannot be mapped");
            }
            MappedByteBuffer region = regionEnd > regionStart
                    ? ch.map(FileChannel.MapMode.READ_ONLY, dataStart + regionStart, regionEnd - regionStart)
                    : null;
            for (int k = i; k < j; k++) {
                Entry e = sorted.get(k);
                ByteBuffer view = region == null
                        ? ByteBuffer.allocateDirect(0)
                        : region.slice((int) (e.begin() - regionStart), (int) (e.end() - e.begin()));
                out.put(e.name(), new SafetensorsTensor(e.name(), e.dtype(), e.shape(), view.order(ByteOrder.LITTLE_ENDIAN)));
            }
            i = j;
        }
        Map<String, SafetensorsTensor> inHeaderOrder = new LinkedHashMap<>();
        for (Entry e : entries) {
            inHeaderOrder.put(e.name(), out.get(e.name()));
        }
        return inHeaderOrder;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static SafetensorsFormatException malformed(Path path, String problem) {
        return new SafetensorsFormatException(path, problem);
    }

    public Path path() {
        return path;
    }

    /** Tensors by name, in header order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
