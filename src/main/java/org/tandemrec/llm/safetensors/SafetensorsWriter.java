package org.tandemrec.llm.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tandemrec.base.AtomicFile;

/**
 * Writes float32 tensors as one {@code .safetensors} file, atomically (temporary file + move).
 * The header is padded with spaces to a multiple of 8 bytes so the data stays aligned.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** A tensor to write: shape and row-major float32 values. */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("shape must be non-negative, got " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
            }
        }
    }

    /**
     * Writes {@code tensors} (in map order) with {@code metadata} under {@code __metadata__}, its
     * keys sorted so that equal content gives byte-identical files whatever the map's order.
     */
    public static void write(Path target, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        new java.util.TreeMap<>(metadata).forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().values().length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(h, padded);
        Arrays.fill(headerBytes, h.length, padded, (byte) ' ');
        AtomicFile.write(target, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            out.write(len.array());
            out.write(headerBytes);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                for (float v : t.values()) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }
}
