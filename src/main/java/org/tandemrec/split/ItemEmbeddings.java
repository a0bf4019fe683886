package org.tandemrec.split;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;

/**
 * Unit-length text embeddings of every item, row-major {@code [N, D]} (N items, D dimensions),
 * with the digest of the texts and model they came from so a cache is reused only for the same
 * inputs.
 *
 * <p>File {@code item_embeddings.f32} (big-endian): UTF string "tandem-item-embeddings", int
 * version (1), UTF model name, int N, int D, 32-byte SHA-256 of model name and texts, then N·D
 * float32.
 */
public final class ItemEmbeddings {
    public static final String FILE_NAME = "item_embeddings.f32";
    static final String MAGIC = "tandem-item-embeddings";
    static final int VERSION = 1;

    private final String modelName;
    private final int numItems;
    private final int dimension;
    private final byte[] digest;
    private final float[] vectors;

    public ItemEmbeddings(String modelName, int numItems, int dimension, byte[] digest, float[] vectors) {
        if (vectors.length != (long) numItems * dimension) {
            throw new IllegalArgumentException("vectors has " + vectors.length + " floats, expected " + numItems
                    + " x " + dimension);
        }
        if (digest.length != 32) {
            throw new IllegalArgumentException("digest must have 32 bytes, got " + digest.length);
        }
        this.modelName = modelName;
        this.numItems = numItems;
        this.dimension = dimension;
        this.digest = digest.clone();
        this.vectors = vectors;
    }

    /** Embeds the texts with the encoder; identical texts are embedded once. */
    public static ItemEmbeddings compute(List<String> texts, TextEncoder encoder) {
        java.util.Map<String, Integer> unique = new java.util.LinkedHashMap<>();
        int[] row = new int[texts.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = unique.computeIfAbsent(texts.get(i), t -> unique.size());
        }
        float[][] rows = encoder.encode(new java.util.ArrayList<>(unique.keySet()));
        int d = encoder.dimension();
        float[] flat = new float[texts.size() * d];
        for (int i = 0; i < row.length; i++) {
            float[] v = rows[row[i]];
            if (v.length != d) {
                throw new IllegalStateException("encoder returned " + v.length + " dimensions, expected " + d);
            }
            System.arraycopy(v, 0, flat, i * d, d);
        }
        return new ItemEmbeddings(encoder.modelName(), texts.size(), d, digest(encoder.modelName(), texts), flat);
    }

    /**
     * The cached embeddings in {@code cacheFile} when they were made by the same model from the
     * same texts; otherwise computes them and (when {@code cacheFile} is not null) writes the cache.
     */
    public static ItemEmbeddings loadOrCompute(Path cacheFile, List<String> texts, TextEncoder encoder)
            throws IOException {
        if (cacheFile != null && Files.exists(cacheFile)) {
            ItemEmbeddings cached = read(cacheFile);
            if (Arrays.equals(cached.digest, digest(encoder.modelName(), texts))) {
                return cached;
            }
        }
        ItemEmbeddings e = compute(texts, encoder);
        if (cacheFile != null) {
            e.write(cacheFile);
        }
        return e;
    }

    static byte[] digest(String modelName, List<String> texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(modelName.getBytes(StandardCharsets.UTF_8));
            for (String t : texts) {
                md.update((byte) 0);
                md.update(t.getBytes(StandardCharsets.UTF_8));
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        AtomicFile.write(file, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeUTF(MAGIC);
            data.writeInt(VERSION);
            data.writeUTF(modelName);
            data.writeInt(numItems);
            data.writeInt(dimension);
            data.write(digest);
            ByteBuffer buf = ByteBuffer.allocate(4 * 4096).order(ByteOrder.BIG_ENDIAN);
            for (int i = 0; i < vectors.length; i++) {
                buf.putFloat(vectors[i]);
                if (!buf.hasRemaining()) {
                    data.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
            data.write(buf.array(), 0, buf.position());
            data.flush();
        });
    }

    public static ItemEmbeddings read(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
             DataInputStream data = new DataInputStream(in)) {
            String magic = data.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new DataFormatException(file, 1, "format", "expected '" + MAGIC + "', got '" + magic + "'");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new DataFormatException(file, 1, "version", "unsupported version " + version
                        + " (this build reads version " + VERSION + ")");
            }
            String model = data.readUTF();
            int n = data.readInt();
            int d = data.readInt();
            if (n < 0 || d <= 0 || (long) n * d > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(file, 1, "shape", "bad shape " + n + " x " + d);
            }
            byte[] dig = data.readNBytes(32);
            byte[] raw = data.readNBytes(n * d * 4);
            if (dig.length != 32 || raw.length != n * d * 4) {
                throw new DataFormatException(file, 1, "vectors", "file is truncated: expected " + n + " x " + d
                        + " floats");
            }
            if (data.read() != -1) {
                throw new DataFormatException(file, 1, "vectors", "trailing bytes after " + n + " x " + d + " floats");
            }
            float[] v = new float[n * d];
            ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(v);
            return new ItemEmbeddings(model, n, d, dig, v);
        } catch (EOFException e) {
            throw new DataFormatException(file, 1, "header", "file is truncated");
        }
    }

    public String modelName() {
        return modelName;
    }

    public int numItems() {
        return numItems;
    }

    public int dimension() {
        return dimension;
    }

    /** The row-major {@code [N, D]} vectors (not copied: do not modify). */
    float[] vectors() {
        return vectors;
    }

    /** A copy of item i's vector. */
    public float[] vector(int item) {
        return Arrays.copyOfRange(vectors, item * dimension, (item + 1) * dimension);
    }

    /** Cosine similarity of two items (vectors are unit length or zero). */
    public float cosine(int a, int b) {
        float s = 0;
        for (int k = 0; k < dimension; k++) {
            s += vectors[a * dimension + k] * vectors[b * dimension + k];
        }
        return s;
    }

    /** Whether these were computed by this model from exactly these texts. */
    public boolean matches(String model, List<String> texts) {
        return Arrays.equals(digest, digest(model, texts));
    }
}
