package org.tandemrec.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A CPU tensor's floats seen from Java without a copy: the optimiser and clipping pass over a
 * large model's parameters and gradients in one loop each this way, where tensor operations
 * would pass over them once per operation and allocate temporaries.
 */
final class TensorMemory {
    private TensorMemory() {
    }

    /**
     * The floats of a float32 tensor: its own memory when {@link #writesThrough} says so, else
     * (a strided view, say) a contiguous copy, good for reading only.
     */
    static FloatBuffer floats(NDArray a) {
        return a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Whether the direct buffer of {@code a} is its memory, so that writes to it change the
     * tensor: a dense float32 tensor on the CPU whose buffer is, as a probe shows, not a
     * contiguous copy (the engine copies a strided tensor), addressable by an int index.
     */
    static boolean writesThrough(NDArray a) {
        if (!readable(a)) {
            return false;
        }
        FloatBuffer b = floats(a);
        float before = b.get(0);
        float probe = before == 1f ? 2f : 1f;
        b.put(0, probe);
        boolean through = a.getFloat(new long[a.getShape().dimension()]) == probe;
        b.put(0, before);
        return through;
    }

    /** Whether {@link #floats} can read {@code a}: a non-empty dense float32 tensor on the CPU within an int index. */
    static boolean readable(NDArray a) {
        return a.getDevice().equals(Device.cpu()) && !a.isSparse() && a.size() <= Integer.MAX_VALUE
                && a.getDataType() == DataType.FLOAT32 && a.getShape().dimension() > 0 && a.size() > 0;
    }

    /** Σ x² over the floats of {@code a} ({@link #readable}), in blocks, accumulated in double. */
    static double squaredNorm(NDArray a) {
        FloatBuffer b = floats(a);
        int n = b.limit();
        float[] block = new float[8192];
        double sum = 0;
        for (int o = 0; o < n; o += block.length) {
            int len = Math.min(block.length, n - o);
            b.get(o, block, 0, len);
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += (double) block[i] * block[i];
            }
            sum += s;
        }
        return sum;
    }
}
