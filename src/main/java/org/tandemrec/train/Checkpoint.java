package org.tandemrec.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.tandemrec.base.AtomicFile;

/**
 * The complete state of an interrupted run, so that resuming continues exactly where it stopped.
 *
 * <p>Binary format {@value #FORMAT} version {@value #VERSION} (big-endian): format name, version,
 * model name, config hash (SHA-256 of the model's and the run's trajectory settings), seed,
 * epoch, next batch within the epoch, global step, early-stopping state, the epoch's loss sum and
 * trained batches so far (so a run resumed mid-epoch logs the same mean loss), every parameter (name,
 * shape, values), the optimiser state (step, each parameter's own step count, then per parameter
 * a flag and, when set, the step count of each of its rows — kept for row-sparse tensors, whose
 * rows are updated lazily — then first and second moments), the best parameters so far (if
 * validated), and a CRC-32 of all preceding bytes. Older versions are read too: version 3 has no
 * epoch loss (a run resumed from one mid-epoch logs the mean of the batches after it), version 2 has
 * no per-row counts (every row of a row-sparse tensor then counts its parameter's steps, as the
 * dense update it had then gave each row), version 1 no per-parameter counts either (every count
 * equals the step). Every {@link Parameter.Kind} is stored
 * the same way, as its trained rows × cols floats row-major (a tensor's rows from its first
 * trained row), so a model may change how it holds a parameter without changing its checkpoints. The run's random streams are pure
 * functions of (seed, epoch) for shuffling and (seed, global step) for batch sampling, so the
 * seed and the counters are the complete RNG state. A file is parsed and verified in full before
 * anything is copied into the model: a bad file never leaves a half-loaded model.
 */
public final class Checkpoint {
    public static final String FORMAT = "tandem-train-checkpoint";
    public static final int VERSION = 4;

    /** Counters and early-stopping state of a run. */
    record Position(long seed, int epoch, int nextBatch, long globalStep, double bestMetric, int bestEpoch,
                    int epochsWithoutImprovement, double epochLoss, int epochBatches) {
    }

    /** A fully read and verified checkpoint, not yet applied. */
    record Loaded(Position position, List<float[]> values, long optimizerStep, long[] parameterSteps,
                  List<long[]> rowSteps, List<float[]> first, List<float[]> second, List<float[]> best) {
    }

    private Checkpoint() {
    }

    static String configHash(TrainingTask task, TrainConfig config) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String text = task.modelName() + "\n" + task.configFingerprint() + "\n" + config.trajectoryFingerprint();
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static void write(Path file, TrainingTask task, String configHash, Position pos, AdamOptimizer optimizer,
                      List<float[]> best) {
        try {
            AtomicFile.write(file, raw -> {
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
                TensorCodec.writeHeader(out, FORMAT, VERSION);
                out.writeUTF(task.modelName());
                out.writeUTF(configHash);
                out.writeLong(pos.seed());
                out.writeInt(pos.epoch());
                out.writeInt(pos.nextBatch());
                out.writeLong(pos.globalStep());
                out.writeDouble(pos.bestMetric());
                out.writeInt(pos.bestEpoch());
                out.writeInt(pos.epochsWithoutImprovement());
                out.writeDouble(pos.epochLoss());
                out.writeInt(pos.epochBatches());
                List<Parameter> ps = task.parameters().list();
                out.writeInt(ps.size());
                for (Parameter p : ps) {
                    out.writeUTF(p.name());
                    out.writeInt(p.rows());
                    out.writeInt(p.cols());
                    TensorCodec.writeFloats(out, p.readValues());
                }
                out.writeLong(optimizer.stepCount());
                for (long t : optimizer.parameterSteps()) {
                    out.writeLong(t);
                }
                for (int k = 0; k < ps.size(); k++) {
                    long[] rowSteps = optimizer.rowSteps(k);
                    out.writeBoolean(rowSteps != null);
                    if (rowSteps != null) {
                        out.writeInt(rowSteps.length);
                        TensorCodec.writeLongs(out, rowSteps);
                    }
                }
                // One parameter at a time: a tensor's values and moments are copied out of native
                // memory only while they are written.
                for (int k = 0; k < ps.size(); k++) {
                    TensorCodec.writeFloats(out, optimizer.firstMoment(k));
                }
                for (int k = 0; k < ps.size(); k++) {
                    TensorCodec.writeFloats(out, optimizer.secondMoment(k));
                }
                out.writeBoolean(best != null);
                if (best != null) {
                    for (float[] a : best) {
                        TensorCodec.writeFloats(out, a);
                    }
                }
                out.flush();
                new DataOutputStream(raw).writeLong(crc.getValue());
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    static Loaded read(Path file, TrainingTask task, String configHash) {
        List<Parameter> ps = task.parameters().list();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            int version = TensorCodec.readHeader(in, file, FORMAT, 1, VERSION);
            String model = in.readUTF();
            if (!model.equals(task.modelName())) {
                throw new CheckpointException(file, "checkpoint of model '" + model + "', cannot resume model '"
                        + task.modelName() + "'");
            }
            String hash = in.readUTF();
            if (!hash.equals(configHash)) {
                throw new CheckpointException(file, "checkpoint was written with a different model or training config"
                        + " (config hash " + hash.substring(0, Math.min(12, hash.length())) + "…, this run "
                        + configHash.substring(0, 12) + "…)");
            }
            Position pos = new Position(in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readDouble(),
                    in.readInt(), in.readInt(), version >= 4 ? in.readDouble() : 0, version >= 4 ? in.readInt() : 0);
            int count = in.readInt();
            if (count != ps.size()) {
                throw new CheckpointException(file, "checkpoint has " + count + " parameters, model " + ps.size());
            }
            List<float[]> values = new ArrayList<>();
            for (Parameter p : ps) {
                String name = in.readUTF();
                int rows = in.readInt();
                int cols = in.readInt();
                if (!name.equals(p.name()) || rows != p.rows() || cols != p.cols()) {
                    throw new CheckpointException(file, "parameter " + name + " " + rows + "x" + cols
                            + " does not match model parameter " + p.name() + " " + p.rows() + "x" + p.cols());
                }
                values.add(TensorCodec.readFloats(in, rows * cols));
            }
            long optStep = in.readLong();
            long[] parameterSteps = new long[ps.size()];
            for (int k = 0; k < parameterSteps.length; k++) {
                parameterSteps[k] = version >= 2 ? in.readLong() : optStep;
            }
            List<long[]> rowSteps = new ArrayList<>();
            for (Parameter p : ps) {
                long[] counts = null;
                if (version >= 3 && in.readBoolean()) {
                    int n = in.readInt();
                    if (n != p.rows()) {
                        throw new CheckpointException(file, "parameter " + p.name() + " has step counts for " + n
                                + " rows, model " + p.rows());
                    }
                    counts = TensorCodec.readLongs(in, n);
                }
                // Counts of a parameter that is no longer row-sparse are not needed: it updates every row.
                rowSteps.add(p.kind() == Parameter.Kind.ROW_SPARSE_TENSOR ? counts : null);
            }
            List<float[]> first = readAll(in, ps);
            List<float[]> second = readAll(in, ps);
            List<float[]> best = in.readBoolean() ? readAll(in, ps) : null;
            long computed = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != computed) {
                throw new CheckpointException(file, "checksum mismatch (stored " + Long.toHexString(stored)
                        + ", computed " + Long.toHexString(computed) + "): the file is corrupted");
            }
            if (raw.read() != -1) {
                throw new CheckpointException(file, "unexpected bytes after the checksum: the file is corrupted");
            }
            return new Loaded(pos, values, optStep, parameterSteps, rowSteps, first, second, best);
        } catch (EOFException e) {
            throw new CheckpointException(file, "truncated: the file ends before the checkpoint is complete", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read checkpoint: " + e.getMessage(), e);
        }
    }

    private static List<float[]> readAll(DataInputStream in, List<Parameter> ps) throws IOException {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(TensorCodec.readFloats(in, Math.toIntExact(p.size())));
        }
        return out;
    }
}
