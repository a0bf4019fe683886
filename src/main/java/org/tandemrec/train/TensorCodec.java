package org.tandemrec.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;

/**
 * Binary file pieces shared by checkpoints and model files: the format/version header, and
 * big-endian float and long arrays in 64 KiB chunks (per-element writes are too slow for large
 * tables).
 */
public final class TensorCodec {
    private static final int CHUNK_FLOATS = 16384;

    private TensorCodec() {
    }

    /** Writes the header that {@link #readHeader} checks. */
    public static void writeHeader(DataOutputStream out, String format, int version) throws IOException {
        out.writeUTF(format);
        out.writeInt(version);
    }

    /**
     * Reads and checks a format name and version; anything else is refused naming the file, so a
     * file of another kind or version is never half-read.
     */
    public static void readHeader(DataInputStream in, Path file, String format, int version) throws IOException {
        readHeader(in, file, format, version, version);
    }

    /** As {@link #readHeader(DataInputStream, Path, String, int)} for any version in [oldest, newest]; returns it. */
    public static int readHeader(DataInputStream in, Path file, String format, int oldest, int newest) throws IOException {
        String found;
        try {
            found = in.readUTF();
        } catch (IOException e) {
            throw new CheckpointException(file, "not a " + format + " file", e);
        }
        if (!format.equals(found)) {
            throw new CheckpointException(file, "not a " + format + " file (format '" + found + "')");
        }
        int v = in.readInt();
        if (v < oldest || v > newest) {
            throw new CheckpointException(file, format + " version " + v + " is not supported (this build reads "
                    + (oldest == newest ? Integer.toString(newest) : oldest + " to " + newest) + ")");
        }
        return v;
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

    public static void writeLongs(DataOutputStream out, long[] src) throws IOException {
        int chunk = CHUNK_FLOATS / 2;
        byte[] bytes = new byte[chunk * 8];
        LongBuffer view = ByteBuffer.wrap(bytes).asLongBuffer();
        for (int off = 0; off < src.length; off += chunk) {
            int n = Math.min(chunk, src.length - off);
            view.clear();
            view.put(src, off, n);
            out.write(bytes, 0, n * 8);
        }
    }

    public static long[] readLongs(DataInputStream in, int count) throws IOException {
        int chunk = CHUNK_FLOATS / 2;
        long[] dst = new long[count];
        byte[] bytes = new byte[chunk * 8];
        LongBuffer view = ByteBuffer.wrap(bytes).asLongBuffer();
        for (int off = 0; off < count; off += chunk) {
            int n = Math.min(chunk, count - off);
            in.readFully(bytes, 0, n * 8);
            view.clear();
            view.get(dst, off, n);
        }
        return dst;
    }
}
