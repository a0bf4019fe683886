package org.tandemrec.data.synthetic;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;

/**
 * The binary truth file ({@code truth.bin}), little-endian:
 * <pre>
 *   8 bytes   magic "TNDMTRTH"
 *   int32 n, n bytes UTF-8   format name "tandem-synthetic-truth"
 *   int32     version (2)
 *   config    seed i64; users, items, topics, targetInteractions, minUserInteractions i32;
 *             activitySpread, coldItemShare, coldMeanInteractions, popularityExponent,
 *             popularityOffset, tasteExposure, topicStickiness f64; startEpochSeconds,
 *             durationSeconds i64; tasteConcentration, secondTopicShare, logisticScale,
 *             itemBiasSd, userBiasSd, globalOffset, ratingNoise, profileSignal f64;
 *             styleFactors i32; styleExposure, styleAffinity f64
 *   f64[U·K]  user tastes (row-major)     f64[U] user biases
 *   f64[M·K]  item topic mixtures          f64[M] item biases
 *   u8[M]     1 = cold item, 0 = warm
 *   f64[U·F]  user styles                  f64[M·F] item styles
 *   f64[M]    item popularity weights (0 for cold items)
 * </pre>
 * Version 1 (before style and exposure weights) is refused with the advice to regenerate.
 * Nothing may follow. Errors name the file, the field and the byte offset.
 */
final class TruthFile {
    static final byte[] MAGIC = "TNDMTRTH".getBytes(StandardCharsets.US_ASCII);
    static final String FORMAT = "tandem-synthetic-truth";
    static final int VERSION = 2;
    private static final int CONFIG_BYTES = 8 + 5 * 4 + 7 * 8 + 2 * 8 + 8 * 8 + 4 + 2 * 8;

    private TruthFile() {
    }

    static void write(Path file, SyntheticTruth truth) throws IOException {
        SyntheticConfig c = truth.config();
        byte[] format = FORMAT.getBytes(StandardCharsets.UTF_8);
        long u = c.users();
        long m = c.items();
        long k = c.topics();
        long size = MAGIC.length + 4 + format.length + 4 + CONFIG_BYTES + arrayBytes(c);
        if (size > Integer.MAX_VALUE - 16) {
            throw new UsageException("truth of " + u + " users and " + m + " items is too large for "
                    + FORMAT + " v" + VERSION + " (" + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(format.length).put(format).putInt(VERSION);
        b.putLong(c.seed()).putInt(c.users()).putInt(c.items()).putInt(c.topics())
                .putInt(c.targetInteractions()).putInt(c.minUserInteractions());
        b.putDouble(c.activitySpread()).putDouble(c.coldItemShare()).putDouble(c.coldMeanInteractions())
                .putDouble(c.popularityExponent()).putDouble(c.popularityOffset()).putDouble(c.tasteExposure())
                .putDouble(c.topicStickiness());
        b.putLong(c.startEpochSeconds()).putLong(c.durationSeconds());
        b.putDouble(c.tasteConcentration()).putDouble(c.secondTopicShare()).putDouble(c.logisticScale())
                .putDouble(c.itemBiasSd()).putDouble(c.userBiasSd()).putDouble(c.globalOffset())
                .putDouble(c.ratingNoise()).putDouble(c.profileSignal());
        b.putInt(c.styleFactors()).putDouble(c.styleExposure()).putDouble(c.styleAffinity());
        b.asDoubleBuffer().put(truth.userTasteArray());
        b.position(b.position() + 8 * truth.userTasteArray().length);
        b.asDoubleBuffer().put(truth.userBiasArray());
        b.position(b.position() + 8 * truth.userBiasArray().length);
        b.asDoubleBuffer().put(truth.itemTopicsArray());
        b.position(b.position() + 8 * truth.itemTopicsArray().length);
        b.asDoubleBuffer().put(truth.itemBiasArray());
        b.position(b.position() + 8 * truth.itemBiasArray().length);
        for (boolean cold : truth.coldArray()) {
            b.put((byte) (cold ? 1 : 0));
        }
        for (double[] a : new double[][] {truth.userStyleArray(), truth.itemStyleArray(), truth.itemPopularityArray()}) {
            b.asDoubleBuffer().put(a);
            b.position(b.position() + 8 * a.length);
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("truth encoder size mismatch: " + b.remaining() + " bytes left");
        }
        AtomicFile.write(file, out -> out.write(b.array()));
    }

    static SyntheticTruth read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        String field = "magic";
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw error(file, field, b, "expected " + new String(MAGIC, StandardCharsets.US_ASCII)
                        + ", this is not a Tandem synthetic truth file");
            }
            field = "format";
            int n = b.getInt();
            if (n != FORMAT.length()) {
                throw error(file, field, b, "expected '" + FORMAT + "' (length " + FORMAT.length() + "), got length " + n);
            }
            byte[] name = new byte[n];
            b.get(name);
            String format = new String(name, StandardCharsets.UTF_8);
            if (!format.equals(FORMAT)) {
                throw error(file, field, b, "expected '" + FORMAT + "', got '" + format + "'");
            }
            field = "version";
            int version = b.getInt();
            if (version != VERSION) {
                throw error(file, field, b, "unsupported version " + version + " of " + FORMAT
                        + " (this build reads version " + VERSION + (version < VERSION
                        ? "; the world was generated before exposure followed latent style: regenerate it with"
                        + " 'tandem data synth'" : "") + ")");
            }
            field = "config";
            SyntheticConfig config;
            try {
                long seed = b.getLong();
                int users = b.getInt();
                int items = b.getInt();
                int topics = b.getInt();
                int target = b.getInt();
                int minUser = b.getInt();
                double spread = b.getDouble();
                double coldShare = b.getDouble();
                double coldMean = b.getDouble();
                double popExp = b.getDouble();
                double popOffset = b.getDouble();
                double tasteExposure = b.getDouble();
                double stickiness = b.getDouble();
                long start = b.getLong();
                long duration = b.getLong();
                double concentration = b.getDouble();
                double secondTopic = b.getDouble();
                double scale = b.getDouble();
                double itemSd = b.getDouble();
                double userSd = b.getDouble();
                double offset = b.getDouble();
                double noise = b.getDouble();
                double profile = b.getDouble();
                int factors = b.getInt();
                double styleExposure = b.getDouble();
                double styleAffinity = b.getDouble();
                config = new SyntheticConfig(seed, users, items, topics, target, minUser, spread, coldShare, coldMean,
                        popExp, popOffset, tasteExposure, stickiness, start, duration, concentration, secondTopic,
                        scale, itemSd, userSd, offset, noise, profile, factors, styleExposure, styleAffinity);
            } catch (IllegalArgumentException e) {
                throw error(file, field, b, e.getMessage());
            }
            long u = config.users();
            long m = config.items();
            long k = config.topics();
            long expected = arrayBytes(config);
            if (b.remaining() != expected) {
                field = "arrays";
                throw error(file, field, b, "expected " + expected + " bytes of arrays for " + u + " users, " + m
                        + " items, " + k + " topics, found " + b.remaining()
                        + (b.remaining() < expected ? " (truncated)" : " (trailing data)"));
            }
            field = "userTaste";
            double[] taste = doubles(file, field, b, (int) (u * k), false);
            field = "userBias";
            double[] userBias = doubles(file, field, b, (int) u, true);
            field = "itemTopics";
            double[] itemTopics = doubles(file, field, b, (int) (m * k), false);
            field = "itemBias";
            double[] itemBias = doubles(file, field, b, (int) m, true);
            field = "cold";
            boolean[] cold = new boolean[(int) m];
            for (int i = 0; i < m; i++) {
                byte v = b.get();
                if (v != 0 && v != 1) {
                    throw error(file, field, b, "item " + i + " has flag " + v + ", expected 0 or 1");
                }
                cold[i] = v == 1;
            }
            field = "userStyle";
            double[] userStyle = doubles(file, field, b, (int) (u * config.styleFactors()), true);
            field = "itemStyle";
            double[] itemStyle = doubles(file, field, b, (int) (m * config.styleFactors()), true);
            field = "itemPopularity";
            double[] popularity = doubles(file, field, b, (int) m, false);
            try {
                return new SyntheticTruth(config, taste, userBias, itemTopics, itemBias, cold, userStyle, itemStyle,
                        popularity);
            } catch (IllegalArgumentException e) {
                throw error(file, field, b, e.getMessage());
            }
        } catch (BufferUnderflowException e) {
            throw error(file, field, b, "file ends early (truncated)");
        }
    }

    /** Bytes of the arrays after the config. */
    private static long arrayBytes(SyntheticConfig c) {
        long u = c.users();
        long m = c.items();
        long k = c.topics();
        long f = c.styleFactors();
        return 8 * (u * k + u + m * k + m + u * f + m * f + m) + m;
    }

    private static double[] doubles(Path file, String field, ByteBuffer b, int n, boolean anySign) {
        double[] v = new double[n];
        b.asDoubleBuffer().get(v);
        b.position(b.position() + 8 * n);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(v[i]) || (!anySign && v[i] < 0)) {
                throw error(file, field, b, "value " + i + " is " + v[i]
                        + (anySign ? ", expected a finite number" : ", expected a finite share >= 0"));
            }
        }
        return v;
    }

    private static DataFormatException error(Path file, String field, ByteBuffer b, String problem) {
        return new DataFormatException(file, 0, field, problem + " (near byte " + b.position() + ")");
    }
}
