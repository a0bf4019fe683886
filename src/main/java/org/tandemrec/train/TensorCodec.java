package org.tandemrec.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** Big-endian float arrays on data streams, in 64 KiB chunks (per-element writeFloat is too slow for large tables). */
public final class TensorCodec {
    private static final int CHUNK_FLOATS = 16384;

    private TensorCodec() {
    }

    public static void writeFloats(DataOutputStream out, float[] src) throws IOException {
        byte[] bytes = new byte[CHUNK_FLOATS * 4];
        FloatBuffer view = ByteBuffer.wrap(bytes).asFloatBuffer();
        for (int off = 0; off < src.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, src.length - off);
            view.clear();
            view.put(src, off, n);
            out.write(bytes, 0, n * 4);
        }
    }

    public static float[] readFloats(DataInputStream in, int count) throws IOException {
        float[] dst = new float[count];
        byte[] bytes = new byte[CHUNK_FLOATS * 4];
        FloatBuffer view = ByteBuffer.wrap(bytes).asFloatBuffer();
        for (int off = 0; off < count; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, count - off);
            in.readFully(bytes, 0, n * 4);
            view.clear();
            view.get(dst, off, n);
        }
        return dst;
    }
}
