package org.tandemrec.split;

import static org.tandemrec.cli.HostileInput.DATA;
import static org.tandemrec.cli.HostileInput.caseDirectory;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;
import org.tandemrec.cli.Main;

/**
 * The split-directory part of the malformed-input corpus: a small valid split (a synthetic world of
 * 60 users, written by {@code tandem split}) with files missing, swapped, changed behind the
 * manifest's back, or rewritten with bad lines and the manifest's hash updated so the line
 * parsers see them; each read by {@code tandem train crm --model pop}.
 */
class SplitDirectoryCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path valid;

    @BeforeAll
    static void writeSplit() {
        Path world = tmp.resolve("world");
        valid = tmp.resolve("valid-split");
        if (Main.run("data", "synth", "--out", world.toString(), "--users", "60", "--items", "80") != 0
                || Main.run("split", "--format", "tandem", world.toString(), "--out", valid.toString(), "--sampler", "popularity") != 0) {
            throw new IllegalStateException("the valid split could not be written");
        }
    }

    /** A copy of the valid split, edited by {@code edit}, read by train crm. */
    private static DynamicTest bad(String name, List<String> mentions, SplitEdit edit) {
        String full = "split " + name;
        return refused(full, DATA, () -> {
            Path dir = caseDirectory(tmp);
            Path split = Files.createDirectories(dir.resolve("split"));
            try (Stream<Path> files = Files.list(valid)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, split.resolve(f.getFileName()));
                }
            }
            edit.apply(split);
            Path out = dir.resolve("run");
            return Invocation.of(mentions, "train", "crm", "--model", "pop", "--data", split.toString(), "--out",
                    out.toString()).withOut(out);
        });
    }

    @FunctionalInterface
    private interface SplitEdit {
        void apply(Path split) throws IOException;
    }

    /** Rewrites {@code file} with {@code lines} and records its new hash, so the manifest still vouches for it. */
    private static void rewrite(Path split, String file, List<String> lines) throws IOException {
        Files.write(split.resolve(file), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        rehash(split, file);
    }

    private static void rehash(Path split, String file) throws IOException {
        Path mf = split.resolve(SplitManifest.FILE_NAME);
        ObjectNode m = (ObjectNode) JSON.readTree(mf.toFile());
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(split.resolve(file)));
            ((ObjectNode) m.get("files")).put(file, HexFormat.of().formatHex(sha));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(mf, m.toPrettyString());
    }

    private static SplitEdit lineEdit(String file, int line, java.util.function.UnaryOperator<String> edit) {
        return split -> {
            List<String> lines = new ArrayList<>(Files.readAllLines(split.resolve(file)));
            lines.set(line - 1, edit.apply(lines.get(line - 1)));
            rewrite(split, file, lines);
        };
    }

    private static SplitEdit field(String file, int line, int column, String value) {
        return lineEdit(file, line, l -> {
            String[] f = l.split("\t", -1);
            f[column] = value;
            return String.join("\t", f);
        });
    }

    private static SplitEdit manifest(Consumer<ObjectNode> edit) {
        return split -> {
            Path mf = split.resolve(SplitManifest.FILE_NAME);
            ObjectNode m = (ObjectNode) JSON.readTree(mf.toFile());
            edit.accept(m);
            Files.writeString(mf, m.toPrettyString());
        };
    }

    @TestFactory
    Stream<DynamicNode> missingAndSwapped() {
        List<DynamicTest> cases = new ArrayList<>();
        for (String f : List.of("train.tsv", "valid.tsv", "test.tsv", "valid_candidates.tsv", "test_candidates.tsv",
            "ctr_valid.tsv", "ctr_test.tsv", "items.jsonl", "users.jsonl", "manifest.json")) {
            List<String> mentions = f.equals(SplitManifest.FILE_NAME)
                    ? List.of(f, "not a complete split directory: manifest.json is missing")
                    : List.of("manifest.json:1", "field 'files." + f + "': listed file", f + " is missing");
            cases.add(bad("without " + f, mentions, split -> Files.delete(split.resolve(f))));
        }
        cases.add(bad("train.tsv changed after writing", List.of("train.tsv",
                "field '(sha256)': content changed after the split was written"),
                split -> Files.writeString(split.resolve("train.tsv"), "0\t0\t1\t5\n", java.nio.file.StandardOpenOption.APPEND)));
        cases.add(bad("train.tsv and test.tsv swapped", List.of("train.tsv", "content changed after the split was written"),
                split -> {
            Path t = split.resolve("train.tsv");
            Path s = split.resolve("test.tsv");
            Path x = split.resolve("x");
            Files.move(t, x);
            Files.move(s, t);
            Files.move(x, s);
        }));
        cases.add(bad("train.tsv and test.tsv swapped with their hashes", List.of("manifest.json",
                "field 'counts.train': says 780 but the files hold 60"), split -> {
            Path t = split.resolve("train.tsv");
            Path s = split.resolve("test.tsv");
            Path x = split.resolve("x");
            Files.move(t, x);
            Files.move(s, t);
            Files.move(x, s);
            rehash(split, "train.tsv");
            rehash(split, "test.tsv");
        }));
        cases.add(bad("candidates in place of ctr_valid.tsv", List.of("ctr_valid.tsv:1",
                "field '(header)': expected 'user\\titem\\tlabel\\ttimestamp', got 'user\\tpositive\\tnegatives'"), split -> {
            Files.copy(split.resolve("valid_candidates.tsv"), split.resolve("ctr_valid.tsv"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            rehash(split, "ctr_valid.tsv");
        }));
        return corpus("split directory: missing and swapped files", cases);
    }

    @TestFactory
    Stream<DynamicNode> manifests() {
        List<DynamicTest> cases = new ArrayList<>();
        cases.add(bad("manifest of another format version", List.of("manifest.json",
                "field 'version': unsupported split format version 2"), manifest(m -> m.put("version", 2))));
        cases.add(bad("manifest of another format", List.of("manifest.json",
                "field 'format': expected 'tandem-split', got 'tandem-run'"), manifest(m -> m.put("format", "tandem-run"))));
        cases.add(bad("manifest not JSON", List.of("manifest.json", "field '(json)': Unexpected end-of-input"),
                split -> Files.writeString(split.resolve("manifest.json"), "{\"format\": \"tandem-split\",")));
        cases.add(bad("manifest a list", List.of("manifest.json", "field '(json)': expected a JSON object"),
                split -> Files.writeString(split.resolve("manifest.json"), "[]")));
        cases.add(bad("manifest empty", List.of("manifest.json", "field '(json)': expected a JSON object"),
                split -> Files.writeString(split.resolve("manifest.json"), "")));
        cases.add(bad("manifest without files", List.of("manifest.json", "field 'files': missing"),
                manifest(m -> m.remove("files"))));
        cases.add(bad("manifest with a file outside the directory", List.of("manifest.json",
                "field 'files.../outside.tsv': not a file name of the split directory"),
                manifest(m -> ((ObjectNode) m.get("files")).put("../outside.tsv", "00"))));
        cases.add(bad("manifest hash not hex", List.of("manifest.json", "field 'files.train.tsv': not a SHA-256 hex digest: 'zz'"),
                manifest(m -> ((ObjectNode) m.get("files")).put("train.tsv", "zz"))));
        cases.add(bad("manifest count disagreeing", List.of("manifest.json",
                "field 'counts.train': says 7 but the files hold 780"),
                manifest(m -> ((ObjectNode) m.get("counts")).put("train", 7))));
        cases.add(bad("manifest negatives as text", List.of("manifest.json",
                "field 'negatives': expected an integer, got \"many\""), manifest(m -> m.put("negatives", "many"))));
        cases.add(bad("manifest unknown protocol", List.of("manifest.json",
                "field 'protocol': protocol must be one of loo|time|random, got 'sideways'"),
                manifest(m -> m.put("protocol", "sideways"))));
        return corpus("split directory: manifest.json", cases);
    }

    @TestFactory
    Stream<DynamicNode> badLines() {
        List<DynamicTest> cases = new ArrayList<>();
        String t = "train.tsv";
        cases.add(bad("train.tsv with a wrong header", List.of(t + ":1",
                "field '(header)': expected 'user\\titem\\tlabel\\ttimestamp', got"), lineEdit(t, 1, l -> "user\titem\tlabel")));
        cases.add(bad("train.tsv line with three columns", List.of(t + ":3",
                "field '(columns)': expected 4 tab-separated columns, got 3"),
                lineEdit(t, 3, l -> l.substring(0, l.lastIndexOf('\t')))));
        cases.add(bad("train.tsv user not an integer", List.of(t + ":3", "field 'user': not an integer: 'u7'"),
                field(t, 3, 0, "u7")));
        cases.add(bad("train.tsv user out of range", List.of(t + ":3", "field 'user': index 999 outside [0,60)"),
                field(t, 3, 0, "999")));
        cases.add(bad("train.tsv user negative", List.of(t + ":3", "field 'user': index -1 outside [0,60)"),
                field(t, 3, 0, "-1")));
        cases.add(bad("train.tsv item beyond int", List.of(t + ":3", "field 'item': not an integer: '99999999999'"),
                field(t, 3, 1, "99999999999")));
        cases.add(bad("train.tsv label 2", List.of(t + ":3", "field 'label': expected 0 or 1, got '2'"), field(t, 3, 2, "2")));
        cases.add(bad("train.tsv timestamp not a number", List.of(t + ":3", "field 'timestamp': not an integer: 'noon'"),
                field(t, 3, 3, "noon")));
        cases.add(bad("train.tsv timestamp beyond long", List.of(t + ":3",
                "field 'timestamp': not an integer: '99999999999999999999'"), field(t, 3, 3, "99999999999999999999")));
        cases.add(bad("train.tsv invalid UTF-8", List.of(t + ":3", "not UTF-8 text"), split -> {
            byte[] b = Files.readAllBytes(split.resolve(t));
            int at = new String(b, StandardCharsets.ISO_8859_1).indexOf('\n', new String(b, StandardCharsets.ISO_8859_1).indexOf('\n') + 1) + 1;
            b[at] = (byte) 0xff;
            Files.write(split.resolve(t), b);
            rehash(split, t);
        }));
        cases.add(bad("train.tsv with a 10 MB line", List.of(t + ":3", "field '(columns)': expected 4"), lineEdit(t, 3,
                l -> "7".repeat(10 << 20))));
        cases.add(bad("train.tsv empty", List.of(t + ":1", "field '(header)': expected"), split -> rewrite(split, t, List.of())));
        cases.add(bad("train.tsv of NUL bytes", List.of(t + ":1", "field '(header)': expected"), split -> {
            Files.write(split.resolve(t), new byte[256]);
            rehash(split, t);
        }));
        String c = "test_candidates.tsv";
        cases.add(bad("candidates with one negative too few", List.of(c + ":2",
                "field 'negatives': expected 19 space-separated items, got 3"),
                field(c, 2, 2, "1 2 3")));
        cases.add(bad("candidates holding the positive", List.of(c + ":2", "field 'negatives': holds the positive"), split -> {
            List<String> lines = new ArrayList<>(Files.readAllLines(split.resolve(c)));
            String[] f = lines.get(1).split("\t");
            String[] negs = f[2].split(" ");
            negs[0] = f[1];
            lines.set(1, f[0] + "\t" + f[1] + "\t" + String.join(" ", negs));
            rewrite(split, c, lines);
        }));
        cases.add(bad("candidates with a negative out of range", List.of(c + ":2", "field 'negatives': index 80 outside [0,80)"),
                split -> {
            List<String> lines = new ArrayList<>(Files.readAllLines(split.resolve(c)));
            String[] f = lines.get(1).split("\t");
            String[] negs = f[2].split(" ");
            negs[0] = "80";
            lines.set(1, f[0] + "\t" + f[1] + "\t" + String.join(" ", negs));
            rewrite(split, c, lines);
        }));
        cases.add(bad("candidates with a negative as text", List.of(c + ":2", "field 'negatives': not an integer: 'x'"),
                split -> {
            List<String> lines = new ArrayList<>(Files.readAllLines(split.resolve(c)));
            String[] f = lines.get(1).split("\t");
            String[] negs = f[2].split(" ");
            negs[3] = "x";
            lines.set(1, f[0] + "\t" + f[1] + "\t" + String.join(" ", negs));
            rewrite(split, c, lines);
        }));
        cases.add(bad("ctr_test.tsv label 5", List.of("ctr_test.tsv:2", "field 'label': expected 0 or 1, got '5'"),
                field("ctr_test.tsv", 2, 2, "5")));
        cases.add(bad("items.jsonl line not JSON", List.of("items.jsonl:2", "field '(json)': Unexpected end-of-input"),
                lineEdit("items.jsonl", 2, l -> l.substring(0, l.length() / 2))));
        cases.add(bad("items.jsonl line a list", List.of("items.jsonl:2", "field '(json)': expected an object"),
                lineEdit("items.jsonl", 2, l -> "[1, 2]")));
        cases.add(bad("users.jsonl line empty", List.of("manifest.json:1",
                "field 'counts.users': says 60 but the files hold 59"), lineEdit("users.jsonl", 1, l -> "")));
        return corpus("split directory: bad lines", cases);
    }

}
