package org.tandemrec.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.Measurement;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.format.DatasetFormat;
import org.tandemrec.data.format.LoadOptions;

/**
 * Load speed and memory on seeded random data: a generic CSV file (string ids such as
 * {@code u123}, header {@code user_id,item_id,rating,timestamp}) and a MovieLens-1M style
 * {@code ratings.dat} (numeric ids, {@code ::}), each with {@code rows} interactions over
 * {@code users} users and {@code items} items whose popularity is skewed (item index drawn as
 * {@code items·U³}, U uniform), ratings 1–5 and timestamps over three years; the MovieLens
 * directory also has a {@code movies.dat} with a title and two genres per item.
 *
 * @param rows interactions per file
 * @param users user id space
 * @param items item id space
 * @param seed seed of the random data
 */
public record LoadBenchmark(int rows, int users, int items, long seed) {
    public LoadBenchmark {
        if (rows < 1) {
            throw new UsageException("rows must be >= 1, got " + rows);
        }
        if (users < 1 || items < 1) {
            throw new UsageException("users and items must be >= 1, got " + users + " and " + items);
        }
    }

    /** The figures of the {@code bench data} command: 1M rows over 50,000 users and 20,000 items. */
    public static LoadBenchmark standard() {
        return new LoadBenchmark(1_000_000, 50_000, 20_000, 42L);
    }

    /**
     * @param csvSeconds best load time of the CSV file
     * @param ml1mSeconds best load time of the ratings.dat directory
     * @param heapBytesPerInteraction retained heap of a loaded data set per interaction (larger of the two)
     */
    public record Result(double csvSeconds, double ml1mSeconds, double heapBytesPerInteraction) {
        /** The slower of the two formats. */
        public double loadSeconds() {
            return Math.max(csvSeconds, ml1mSeconds);
        }
    }

    /** Writes both files into workDir, then times and measures their loads (best of 3 after a warm-up). */
    public Result run(Path workDir) throws Exception {
        Path csv = workDir.resolve("interactions.csv");
        Path mlDir = workDir.resolve("ml-1m");
        writeFiles(csv, mlDir.resolve("ratings.dat"));
        writeMovies(mlDir.resolve("movies.dat"));
        LoadOptions opts = LoadOptions.defaults();
        double tCsv = Measurement.bestSeconds(1, 3, () -> DatasetFormat.CSV.load(csv, opts));
        double tMl = Measurement.bestSeconds(1, 3, () -> DatasetFormat.ML_1M.load(mlDir, opts));
        long heapCsv = Measurement.retainedBytes(() -> DatasetFormat.CSV.load(csv, opts));
        long heapMl = Measurement.retainedBytes(() -> DatasetFormat.ML_1M.load(mlDir, opts));
        return new Result(tCsv, tMl, Math.max(heapCsv, heapMl) / (double) rows);
    }

    /** Titles and genres for every item id, so the ML-1M figures include side information. */
    void writeMovies(Path moviesDat) throws IOException {
        String[] genres = {"Action", "Comedy", "Drama", "Romance", "Thriller"};
        AtomicFile.write(moviesDat, out -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < items; i++) {
                sb.append(i + 1).append("::Movie number ").append(i + 1).append(" (").append(1950 + i % 50)
                        .append(")::").append(genres[i % genres.length]).append('|').append(genres[(i / 5) % genres.length])
                        .append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        });
    }

    void writeFiles(Path csv, Path ratingsDat) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] u = new int[rows];
        int[] it = new int[rows];
        int[] rating = new int[rows];
        long[] ts = new long[rows];
        long t0 = 1_000_000_000L;
        for (int r = 0; r < rows; r++) {
            u[r] = rnd.nextInt(users);
            double x = rnd.nextDouble();
            it[r] = (int) (items * x * x * x);
            rating[r] = 1 + rnd.nextInt(5);
            ts[r] = t0 + rnd.nextLong(3L * 365 * 24 * 3600);
        }
        AtomicFile.write(csv, out -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append("user_id,item_id,rating,timestamp\n");
            for (int r = 0; r < rows; r++) {
                sb.append('u').append(u[r]).append(",i").append(it[r]).append(',').append(rating[r]).append(',')
                        .append(ts[r]).append('\n');
                if (sb.length() > 60_000) {
                    out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                    sb.setLength(0);
                }
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        });
        AtomicFile.write(ratingsDat, out -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            for (int r = 0; r < rows; r++) {
                sb.append(u[r] + 1).append("::").append(it[r] + 1).append("::").append(rating[r]).append("::")
                        .append(ts[r]).append('\n');
                if (sb.length() > 60_000) {
                    out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                    sb.setLength(0);
                }
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        });
    }
}
