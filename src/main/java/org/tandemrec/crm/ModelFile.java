package org.tandemrec.crm;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.crm.sequential.SasRecConfig;
import org.tandemrec.crm.sequential.SequenceLayout;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.train.CheckpointException;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TensorCodec;

/**
 * A trained model on disk. Binary format {@value #FORMAT} version {@value #VERSION}
 * (big-endian): format name, version, model kind, the split the model was trained on (a byte 1
 * then the SHA-256 hex of its manifest and of its id maps, {@link SplitIdentity}; or a byte 0 for
 * a model trained outside a split directory), the model config as JSON, the count of tensors,
 * each tensor (name, rows, cols, values), and a CRC-32 of all preceding bytes. Version 1, read
 * still, is the same without the split. Load through {@link CrmCatalog#load}, which refuses a
 * file of another kind.
 */
public final class ModelFile {
    public static final String FORMAT = "tandem-crm-model";
    public static final int VERSION = 2;
    /** The oldest version read: 1 has no record of the split. */
    public static final int OLDEST_VERSION = 1;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /** The name of the 1 × 2 tensor (users, items) of models whose tensors do not show the index sizes. */
    public static final String COUNTS = "counts";

    /** A tensor as stored: rows × cols row-major. */
    public record Tensor(int rows, int cols, float[] values) {
    }

    /**
     * The verified content of a model file.
     *
     * @param trainedOn the split the model was trained on, when the file records it (version 2
     *     files of models trained on a split directory)
     */
    public record Contents(String kind, Optional<SplitIdentity> trainedOn, String configJson, Map<String, Tensor> tensors) {
        public Tensor tensor(Path file, String name, int rows, int cols) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new CheckpointException(file, kind + " model file has no tensor '" + name + "'");
            }
            if ((rows >= 0 && t.rows() != rows) || (cols >= 0 && t.cols() != cols)) {
                throw new CheckpointException(file, "tensor '" + name + "' is " + t.rows() + "x" + t.cols()
                        + ", expected " + rows + "x" + cols);
            }
            return t;
        }

        /** The index sizes recorded by {@link #counts(int, int)}: {users, items}. */
        public int[] counts(Path file) {
            float[] v = tensor(file, COUNTS, 1, 2).values();
            return new int[] {(int) v[0], (int) v[1]};
        }

        /** Parameters shaped as {@code shape} (names, sizes, dense or row-sparse) with this file's values. */
        public ParameterSet parameters(Path file, ParameterSet shape) {
            return Parameters.withValues(shape, p -> tensor(file, p.name(), p.rows(), p.cols()).values());
        }

        public <T> T config(Path file, Class<T> type) {
            return config(file, JSON.constructType(type));
        }

        /** The config as a generic record, e.g. {@code SequenceLayout<SasRecConfig>}. */
        public <T> T config(Path file, Class<?> genericType, Class<?> parameter) {
            return config(file, JSON.getTypeFactory().constructParametricType(genericType, parameter));
        }

        private <T> T config(Path file, JavaType type) {
            try {
                return JSON.readValue(configJson, type);
            } catch (IOException | IllegalArgumentException e) {
                throw new CheckpointException(file, "invalid " + kind + " config: " + e.getMessage(), e);
            }
        }
    }

    private ModelFile() {
    }

    /** The tensor {@link Contents#counts} reads: the index sizes, for models whose tensors do not show them. */
    public static Tensor counts(int numUsers, int numItems) {
        return new Tensor(1, 2, new float[] {numUsers, numItems});
    }

    /** Every parameter as a tensor of its shape, in order (values shared, not copied). */
    public static Map<String, Tensor> tensors(ParameterSet params) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Parameter p : params.list()) {
            t.put(p.name(), new Tensor(p.rows(), p.cols(), p.value()));
        }
        return t;
    }

    /** Writes a model trained outside a split directory (no split recorded). */
    public static void write(Path file, String kind, Object config, Map<String, Tensor> tensors) {
        write(file, kind, Optional.empty(), config, tensors);
    }

    /** Writes a model atomically, recording the split it was trained on when given. */
    public static void write(Path file, String kind, Optional<SplitIdentity> trainedOn, Object config,
                             Map<String, Tensor> tensors) {
        try {
            String json = JSON.writeValueAsString(config);
            AtomicFile.write(file, raw -> {
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
                TensorCodec.writeHeader(out, FORMAT, VERSION);
                out.writeUTF(kind);
                writeSplit(out, trainedOn);
                byte[] cfg = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(cfg.length);
                out.write(cfg);
                out.writeInt(tensors.size());
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().rows());
                    out.writeInt(e.getValue().cols());
                    TensorCodec.writeFloats(out, e.getValue().values());
                }
                out.flush();
                new DataOutputStream(raw).writeLong(crc.getValue());
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model file " + file, e);
        }
    }

    public static Contents read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            int version = TensorCodec.readHeader(in, file, FORMAT, OLDEST_VERSION, VERSION);
            String kind = in.readUTF();
            Optional<SplitIdentity> trainedOn = version >= 2 ? readSplit(in, file) : Optional.empty();
            int cfgLen = in.readInt();
            if (cfgLen < 0 || cfgLen > (1 << 24)) {
                throw new CheckpointException(file, "corrupted: config length " + cfgLen);
            }
            byte[] cfg = new byte[cfgLen];
            in.readFully(cfg);
            int count = in.readInt();
            if (count < 0 || count > 10_000) {
                throw new CheckpointException(file, "corrupted: tensor count " + count);
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int t = 0; t < count; t++) {
                String name = in.readUTF();
                int rows = in.readInt();
                int cols = in.readInt();
                if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
                    throw new CheckpointException(file, "corrupted: tensor '" + name + "' shape " + rows + "x" + cols);
                }
                tensors.put(name, new Tensor(rows, cols, TensorCodec.readFloats(in, rows * cols)));
            }
            long computed = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != computed) {
                throw new CheckpointException(file, "checksum mismatch: the file is corrupted");
            }
            return new Contents(kind, trainedOn, new String(cfg, java.nio.charset.StandardCharsets.UTF_8), tensors);
        } catch (EOFException e) {
            throw new CheckpointException(file, "truncated: the file ends before the model is complete", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read model file: " + e.getMessage(), e);
        }
    }

    /**
     * The split the model in {@code file} was trained on, as its header records it (read without
     * the tensors); empty for a version 1 file or a model trained outside a split directory.
     */
    public static Optional<SplitIdentity> trainedOn(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 4096))) {
            int version = TensorCodec.readHeader(in, file, FORMAT, OLDEST_VERSION, VERSION);
            in.readUTF();
            return version >= 2 ? readSplit(in, file) : Optional.empty();
        } catch (EOFException e) {
            throw new CheckpointException(file, "truncated: the file ends before the model is complete", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read model file: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses to score the model in {@code file} on the split read from {@code splitDir} (its id
     * maps' SHA-256 {@code splitIdsSha256}) when the file records another split's users and items:
     * its rows would stand for other users and items. The model file is the authority, whatever a
     * run.json beside it says (it may be missing, or another run's); a file that records no split
     * (version 1) passes here, and the caller checks what else it has.
     */
    public static void requireSameIds(Path file, Path splitDir, String splitIdsSha256) throws UnusableFileException {
        Optional<SplitIdentity> recorded = trainedOn(file);
        if (recorded.isPresent() && !recorded.get().idsSha256().equals(splitIdsSha256)) {
            throw new UnusableFileException(splitDir + ": its users and items are not those the model in " + file
                    + " was trained on (id maps sha256 " + SplitIdentity.shortHash(splitIdsSha256) + "… of " + splitDir + ", "
                    + SplitIdentity.shortHash(recorded.get().idsSha256()) + "… recorded in " + file.getFileName()
                    + "); score it on a split of the same data");
        }
    }

    private static void writeSplit(DataOutputStream out, Optional<SplitIdentity> trainedOn) throws IOException {
        out.writeByte(trainedOn.isPresent() ? 1 : 0);
        if (trainedOn.isPresent()) {
            out.writeUTF(trainedOn.get().manifestSha256());
            out.writeUTF(trainedOn.get().idsSha256());
        }
    }

    private static Optional<SplitIdentity> readSplit(DataInputStream in, Path file) throws IOException {
        int present = in.readUnsignedByte();
        if (present == 0) {
            return Optional.empty();
        }
        if (present != 1) {
            throw new CheckpointException(file, "corrupted: split record flag " + present);
        }
        String manifest = in.readUTF();
        String ids = in.readUTF();
        for (String h : new String[] {manifest, ids}) {
            if (!SHA256_HEX.matcher(h).matches()) {
                throw new CheckpointException(file, "corrupted: split record '" + SplitIdentity.shortHash(h) + "' is not a SHA-256");
            }
        }
        return Optional.of(new SplitIdentity(manifest, ids));
    }

    /** Reads and refuses a file whose kind is not {@code expectedKind}. */
    public static Contents read(Path file, String expectedKind) {
        Contents c = read(file);
        if (!c.kind().equals(expectedKind)) {
            throw new CheckpointException(file, "model file holds a '" + c.kind() + "' model, expected '" + expectedKind + "'");
        }
        return c;
    }
}
