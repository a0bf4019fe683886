package org.tandemrec.llm.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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

    /** The values as a Java float array (copies; for small tensors and tests). */
    public float[] toFloatArray() {
        FloatBuffer fb = toFloat32().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }
}
