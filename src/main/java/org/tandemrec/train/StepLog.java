package org.tandemrec.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Values of a run appended to a text file as it trains (one line {@code kind \t index \t value}
 * per value, e.g. {@code train} losses by step and {@code valid} losses by epoch), so that a run
 * resumed from a {@link Checkpoint} reports its whole curve. A line cut short by a crash is
 * ignored; a later line for the same kind and index wins (a resumed run repeats the steps after
 * its checkpoint).
 */
public final class StepLog {
    private final Path file;

    public StepLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends one value. */
    public void append(String kind, long index, double value) {
        try {
            Files.writeString(file, kind + "\t" + index + "\t" + value + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The values of {@code kind} at indices 0..size-1, NaN where none was logged (or no file exists). */
    public double[] read(String kind, int size) {
        double[] out = new double[size];
        Arrays.fill(out, Double.NaN);
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length != 3 || !f[0].equals(kind)) {
                    continue;
                }
                try {
                    int k = Integer.parseInt(f[1]);
                    double v = Double.parseDouble(f[2]);
                    if (k >= 0 && k < size) {
                        out[k] = v;
                    }
                } catch (NumberFormatException e) {
                    // a line cut short by a crash
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    /** Removes the file (a finished run keeps its curve in its record instead). */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
