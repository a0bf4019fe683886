package org.tandemrec.split;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.format.SideInfoFiles;

/**
 * A split on disk, self-contained so a trainer needs nothing else:
 *
 * <ul>
 *   <li>{@code train.tsv}, {@code valid.tsv}, {@code test.tsv}: header
 *       {@code user\titem\tlabel\ttimestamp}, dense indexes, label 0 or 1, rows in time order;</li>
 *   <li>{@code valid_candidates.tsv}, {@code test_candidates.tsv} (task topk/both): header
 *       {@code user\tpositive\tnegatives}, the negatives space-separated in one column, exactly
 *       {@code negatives} of them; one list per positive row of the part, in the part's order;</li>
 *   <li>{@code ctr_valid.tsv}, {@code ctr_test.tsv} (task ctr/both): same columns as
 *       {@code train.tsv}; natural labels, or each positive followed by its sampled negative;</li>
 *   <li>{@code ratings.tsv} (only for data labelled by a rule): header
 *       {@code user\titem\trating\ttimestamp}, the data set's own values of every row before
 *       labelling (e.g. stars), for prompts that show them;</li>
 *   <li>{@code items.jsonl}, {@code users.jsonl}: id maps and side information
 *       ({@link SideInfoFiles});</li>
 *   <li>{@code item_embeddings.f32}: cache of item text embeddings when a text sampler was used
 *       ({@link ItemEmbeddings}); not part of the split's content;</li>
 *   <li>{@code manifest.json} ({@link SplitManifest}): written last, after the SHA-256 of every
 *       other file, so a crash never leaves a directory that looks complete. Writing first deletes
 *       an existing manifest for the same reason.</li>
 * </ul>
 * Every file is written atomically.
 */
public final class SplitDirectory {
    public static final String TRAIN = "train.tsv";
    public static final String VALID = "valid.tsv";
    public static final String TEST = "test.tsv";
    public static final String VALID_CANDIDATES = "valid_candidates.tsv";
    public static final String TEST_CANDIDATES = "test_candidates.tsv";
    public static final String CTR_VALID = "ctr_valid.tsv";
    public static final String CTR_TEST = "ctr_test.tsv";
    public static final String RATINGS = "ratings.tsv";
    public static final String ITEMS = "items.jsonl";
    public static final String USERS = "users.jsonl";
    static final String TABLE_HEADER = "user\titem\tlabel\ttimestamp";
    static final String CANDIDATE_HEADER = "user\tpositive\tnegatives";
    static final String RATINGS_HEADER = "user\titem\trating\ttimestamp";

    private SplitDirectory() {
    }

    /** Removes the manifest so the directory reads as incomplete until {@link #write} finishes. */
    public static void invalidate(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(SplitManifest.FILE_NAME));
    }

    /** Writes the split; returns the manifest as written (with file checksums). */
    public static SplitManifest write(Path dir, SplitData data) throws IOException {
        Files.createDirectories(dir);
        invalidate(dir);
        Map<String, String> files = new LinkedHashMap<>();
        writeTable(dir, TRAIN, data.train(), files);
        writeTable(dir, VALID, data.valid(), files);
        writeTable(dir, TEST, data.test(), files);
        SplitConfig.Task task = data.config().task();
        if (task.topK()) {
            writeCandidates(dir, VALID_CANDIDATES, data.validCandidates(), files);
            writeCandidates(dir, TEST_CANDIDATES, data.testCandidates(), files);
        }
        if (task.ctr()) {
            writeTable(dir, CTR_VALID, data.ctrValid(), files);
            writeTable(dir, CTR_TEST, data.ctrTest(), files);
        }
        if (data.ratings().size() > 0) {
            InteractionTable t = data.ratings();
            writeRows(dir, RATINGS, RATINGS_HEADER, t.size(), (sb, r) -> sb.append(t.user(r)).append('\t')
                    .append(t.item(r)).append('\t').append(t.value(r)).append('\t').append(t.timestamp(r)), files);
        }
        SideInfoFiles.writeItems(dir.resolve(ITEMS), data.items(), data.itemInfo());
        files.put(ITEMS, sha256(dir.resolve(ITEMS)));
        SideInfoFiles.writeUsers(dir.resolve(USERS), data.users(), data.userProfiles());
        files.put(USERS, sha256(dir.resolve(USERS)));
        SplitManifest manifest = data.manifest().withFiles(files);
        AtomicFile.writeString(dir.resolve(SplitManifest.FILE_NAME), manifest.toJson());
        return manifest;
    }

    /** Reads a split directory, refusing one without manifest, of another format or version, or with changed files. */
    public static SplitData read(Path dir) throws IOException {
        Path mf = dir.resolve(SplitManifest.FILE_NAME);
        if (!Files.isRegularFile(mf)) {
            throw new DataFormatException(mf, "not a complete split directory: manifest.json is missing"
                    + " (it is written last; an interrupted write leaves none)");
        }
        SplitManifest manifest = SplitManifest.parse(mf, Files.readString(mf, StandardCharsets.UTF_8));
        for (Map.Entry<String, String> e : manifest.files().entrySet()) {
            // A listed name is a file of this directory: never a path that leads elsewhere (or to a device).
            Path f = dir.resolve(e.getKey()).normalize();
            if (e.getKey().isEmpty() || !f.getParent().equals(dir.normalize()) || e.getKey().contains("/")
                    || e.getKey().contains("\\")) {
                throw new DataFormatException(mf, 1, "files." + e.getKey(), "not a file name of the split directory");
            }
            if (!Files.isRegularFile(f)) {
                throw new DataFormatException(mf, 1, "files." + e.getKey(), "listed file " + f + " is missing");
            }
            if (!e.getValue().matches("[0-9a-f]{64}")) {
                throw new DataFormatException(mf, 1, "files." + e.getKey(), "not a SHA-256 hex digest: '" + e.getValue() + "'");
            }
            String actual = sha256(f);
            if (!actual.equals(e.getValue())) {
                throw new DataFormatException(f, 0, "(sha256)", "content changed after the split was written: sha256 "
                        + actual + " != " + e.getValue() + " in " + mf);
            }
        }
        SideInfoFiles.Items items = SideInfoFiles.readItems(require(dir, manifest, ITEMS));
        SideInfoFiles.Users users = SideInfoFiles.readUsers(require(dir, manifest, USERS));
        int nu = users.ids().size();
        int ni = items.ids().size();
        checkCount(mf, manifest, "users", nu);
        checkCount(mf, manifest, "items", ni);
        InteractionTable train = readTable(require(dir, manifest, TRAIN), nu, ni);
        InteractionTable valid = readTable(require(dir, manifest, VALID), nu, ni);
        InteractionTable test = readTable(require(dir, manifest, TEST), nu, ni);
        SplitConfig.Task task = manifest.config().task();
        int n = manifest.config().negatives();
        CandidateLists vc = task.topK() ? readCandidates(require(dir, manifest, VALID_CANDIDATES), nu, ni, n)
                : CandidateLists.empty();
        CandidateLists tc = task.topK() ? readCandidates(require(dir, manifest, TEST_CANDIDATES), nu, ni, n)
                : CandidateLists.empty();
        InteractionTable empty = new InteractionTable.Builder(0).build(nu, ni);
        InteractionTable cv = task.ctr() ? readTable(require(dir, manifest, CTR_VALID), nu, ni) : empty;
        InteractionTable ct = task.ctr() ? readTable(require(dir, manifest, CTR_TEST), nu, ni) : empty;
        // Each part holds what the manifest says: files swapped together with their hashes are caught here.
        checkCount(mf, manifest, "train", train.size());
        checkCount(mf, manifest, "valid", valid.size());
        checkCount(mf, manifest, "test", test.size());
        checkCount(mf, manifest, "valid_candidates", vc.size());
        checkCount(mf, manifest, "test_candidates", tc.size());
        checkCount(mf, manifest, "ctr_valid", cv.size());
        checkCount(mf, manifest, "ctr_test", ct.size());
        InteractionTable ratings = manifest.files().containsKey(RATINGS) ? readRatings(dir.resolve(RATINGS), nu, ni) : empty;
        return new SplitData(manifest, train, valid, test, vc, tc, cv, ct, users.ids(), items.ids(), items.info(),
                users.profiles(), ratings);
    }

    private static Path require(Path dir, SplitManifest manifest, String name) {
        if (!manifest.files().containsKey(name)) {
            throw new DataFormatException(dir.resolve(SplitManifest.FILE_NAME), 1, "files",
                    "does not list " + name + " required by task " + manifest.config().task().id());
        }
        return dir.resolve(name);
    }

    private static void checkCount(Path mf, SplitManifest manifest, String key, long actual) {
        if (manifest.counts().containsKey(key) && manifest.count(key) != actual) {
            throw new DataFormatException(mf, 1, "counts." + key, "says " + manifest.count(key) + " but the files hold "
                    + actual);
        }
    }

    private static void writeTable(Path dir, String name, InteractionTable t, Map<String, String> files)
            throws IOException {
        writeRows(dir, name, TABLE_HEADER, t.size(), (sb, r) -> sb.append(t.user(r)).append('\t').append(t.item(r))
                .append('\t').append(t.value(r) == 1f ? '1' : '0').append('\t').append(t.timestamp(r)), files);
    }

    private static void writeCandidates(Path dir, String name, CandidateLists c, Map<String, String> files)
            throws IOException {
        writeRows(dir, name, CANDIDATE_HEADER, c.size(), (sb, l) -> {
            sb.append(c.user(l)).append('\t').append(c.positive(l)).append('\t');
            for (int k = 0; k < c.negativesPerList(); k++) {
                if (k > 0) {
                    sb.append(' ');
                }
                sb.append(c.negative(l, k));
            }
        }, files);
    }

    /** Appends row {@code r} (without its line end) to {@code sb}. */
    private interface RowWriter {
        void append(StringBuilder sb, int r);
    }

    /** Writes a header line and {@code rows} lines atomically and records the file's SHA-256. */
    private static void writeRows(Path dir, String name, String header, int rows, RowWriter row,
            Map<String, String> files) throws IOException {
        Path f = dir.resolve(name);
        AtomicFile.write(f, out -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append(header).append('\n');
            for (int r = 0; r < rows; r++) {
                row.append(sb, r);
                sb.append('\n');
                flushIfFull(sb, out);
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
        files.put(name, sha256(f));
    }

    private static void flushIfFull(StringBuilder sb, OutputStream out) throws IOException {
        if (sb.length() > (1 << 16)) {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            sb.setLength(0);
        }
    }

    static InteractionTable readTable(Path file, int numUsers, int numItems)
            throws IOException {
        InteractionTable.Builder b = new InteractionTable.Builder();
        try {
            readRows(file, TABLE_HEADER, 4, (f, line) -> {
                int u = index(file, line, "user", f[0], numUsers);
                int i = index(file, line, "item", f[1], numItems);
                float label;
                if (f[2].equals("1")) {
                    label = 1f;
                } else if (f[2].equals("0")) {
                    label = 0f;
                } else {
                    throw new DataFormatException(file, line, "label", "expected 0 or 1, got '" + f[2] + "'");
                }
                long ts = timestamp(file, line, f[3]);
                b.add(u, i, label, ts);
            });
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, 0, "(file)", "missing");
        }
        return b.build(numUsers, numItems);
    }

    private static long timestamp(Path file, long line, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, line, "timestamp", "not an integer: '" + s + "'");
        }
    }

    static InteractionTable readRatings(Path file, int numUsers, int numItems) throws IOException {
        InteractionTable.Builder b = new InteractionTable.Builder();
        try {
            readRows(file, RATINGS_HEADER, 4, (f, line) -> {
                int u = index(file, line, "user", f[0], numUsers);
                int i = index(file, line, "item", f[1], numItems);
                float rating;
                try {
                    rating = Float.parseFloat(f[2]);
                } catch (NumberFormatException e) {
                    throw new DataFormatException(file, line, "rating", "not a number: '" + f[2] + "'");
                }
                if (!Float.isFinite(rating)) {
                    throw new DataFormatException(file, line, "rating", "not finite: '" + f[2] + "'");
                }
                b.add(u, i, rating, timestamp(file, line, f[3]));
            });
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, 0, "(file)", "missing");
        }
        return b.build(numUsers, numItems);
    }

    static CandidateLists readCandidates(Path file, int numUsers, int numItems, int negatives)
            throws IOException {
        IntList users = new IntList();
        IntList positives = new IntList();
        IntList neg = new IntList();
        readRows(file, CANDIDATE_HEADER, 3, (f, line) -> {
            users.add(index(file, line, "user", f[0], numUsers));
            int p = index(file, line, "positive", f[1], numItems);
            positives.add(p);
            String[] ns = f[2].isEmpty() ? new String[0] : f[2].split(" ", -1);
            if (ns.length != negatives) {
                throw new DataFormatException(file, line, "negatives", "expected " + negatives
                        + " space-separated items, got " + ns.length);
            }
            for (String x : ns) {
                int it = index(file, line, "negatives", x, numItems);
                if (it == p) {
                    throw new DataFormatException(file, line, "negatives", "holds the positive " + p);
                }
                neg.add(it);
            }
        });
        return new CandidateLists(users.toArray(), positives.toArray(), neg.toArray(), negatives);
    }

    /** Handles one non-empty data line, already split into its tab-separated fields. */
    private interface RowReader {
        void accept(String[] fields, long line);
    }

    /** Checks the header, then passes each non-empty line with exactly {@code columns} fields on. */
    private static void readRows(Path file, String header, int columns, RowReader row) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            checkHeader(file, SideInfoFiles.nextLine(file, r, 1), header);
            String s;
            long line = 1;
            while ((s = SideInfoFiles.nextLine(file, r, line + 1)) != null) {
                line++;
                if (s.isEmpty()) {
                    continue;
                }
                String[] f = s.split("\t", -1);
                if (f.length != columns) {
                    throw new DataFormatException(file, line, "(columns)", "expected " + columns
                            + " tab-separated columns, got " + f.length);
                }
                row.accept(f, line);
            }
        }
    }

    private static void checkHeader(Path file, String header, String expected) {
        if (header == null || !header.equals(expected)) {
            throw new DataFormatException(file, 1, "(header)", "expected '" + expected.replace("\t", "\\t")
                    + "', got " + (header == null ? "an empty file" : "'" + header.replace("\t", "\\t") + "'"));
        }
    }

    private static int index(Path file, long line, String field, String text, int size) {
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, line, field, "not an integer: '" + text + "'");
        }
        if (v < 0 || v >= size) {
            throw new DataFormatException(file, line, field, "index " + v + " outside [0," + size + ")");
        }
        return v;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Growable int column for readers. */
    private static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
