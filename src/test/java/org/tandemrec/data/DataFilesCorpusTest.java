package org.tandemrec.data;

import static org.tandemrec.cli.HostileInput.DATA;
import static org.tandemrec.cli.HostileInput.caseDirectory;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;

/**
 * The data-file part of the malformed-input corpus: a small valid data set in every {@code
 * --format} (ml-100k, ml-1m, amazon, csv with --items and --users side files, recbole, tandem), one
 * line or file at a time made hostile (missing fields, bad numbers, invalid UTF-8 in ids, text and
 * headers, duplicate ids in side files, empty files, a 10 MB line, timestamps out of range), each
 * run through {@code tandem data stats}.
 */
class DataFilesCorpusTest {
    @TempDir
    static Path tmp;

    /**
     * One format's valid data set: its files (name → lines), the file that holds the interactions,
     * its field separator, the number of header lines, the positions of user, item, rating and
     * timestamp, and the command line that reads it.
     */
    private record Format(String id, Map<String, List<String>> files, String interactions, String sep, int header,
                          int user, int item, int rating, int timestamp, java.util.function.Function<Path, List<String>> args) {
    }

    private static List<Format> formats() {
        List<Format> out = new ArrayList<>();
        String flags = "|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0";
        out.add(new Format("ml-100k", Map.of(
                "u.data", List.of("1\t10\t5\t881250949", "2\t20\t3\t891717742", "1\t20\t4\t878887116", "2\t10\t2\t878887117"),
                "u.item", List.of("10|Toy Story (1995)|01-Jan-1995||http://x" + flags, "20|Heat (1995)|01-Jan-1995||http://y" + flags),
                "u.user", List.of("1|24|M|technician|85711", "2|53|F|other|94043")),
                "u.data", "\t", 0, 0, 1, 2, 3, d -> List.of("data", "stats", "--format", "ml-100k", d.toString())));
        out.add(new Format("ml-1m", Map.of(
                "ratings.dat", List.of("1::1193::5::978300760", "1::661::3::978302109", "2::1193::4::978298413", "2::661::1::978298414"),
                "movies.dat", List.of("1193::One Flew Over the Cuckoo's Nest (1975)::Drama", "661::James and the Giant Peach (1996)::Animation"),
                "users.dat", List.of("1::F::1::10::48067", "2::M::56::16::70072")),
                "ratings.dat", "::", 0, 0, 1, 2, 3, d -> List.of("data", "stats", "--format", "ml-1m", d.toString())));
        out.add(new Format("recbole", Map.of(
                "x.inter", List.of("user_id:token\titem_id:token\trating:float\ttimestamp:float", "196\t242\t3\t881250949",
                        "186\t302\t4\t891717742", "196\t302\t5\t881250950", "186\t242\t1\t881250951"),
                "x.item", List.of("item_id:token\tmovie_title:token_seq", "242\tKolya", "302\tL.A. Confidential"),
                "x.user", List.of("user_id:token\tage:token", "196\t49", "186\t39")),
                "x.inter", "\t", 1, 0, 1, 2, 3, d -> List.of("data", "stats", "--format", "recbole", d.toString())));
        out.add(new Format("csv", Map.of(
                "ratings.csv", List.of("user_id,item_id,rating,timestamp", "u1,i1,5,1400000000", "u2,i2,3,1400000100",
                        "u1,i2,4,1400000200", "u2,i1,2,1400000300"),
                "items.csv", List.of("item_id,title", "i1,First", "i2,Second"),
                "users.csv", List.of("user_id,age", "u1,30", "u2,40")),
                "ratings.csv", ",", 1, 0, 1, 2, 3, d -> List.of("data", "stats", "--format", "csv", d.resolve("ratings.csv").toString(),
                        "--items", d.resolve("items.csv").toString(), "--users", d.resolve("users.csv").toString())));
        out.add(new Format("amazon", Map.of(
                "reviews.json", List.of(
                        "{\"reviewerID\": \"A1\", \"asin\": \"B0\", \"overall\": 5.0, \"unixReviewTime\": 1400000000}",
                        "{\"reviewerID\": \"A2\", \"asin\": \"B1\", \"overall\": 2.0, \"unixReviewTime\": 1400000100}",
                        "{\"reviewerID\": \"A1\", \"asin\": \"B1\", \"overall\": 4.0, \"unixReviewTime\": 1400000200}",
                        "{\"reviewerID\": \"A2\", \"asin\": \"B0\", \"overall\": 1.0, \"unixReviewTime\": 1400000300}"),
                "meta.json", List.of("{\"asin\": \"B0\", \"title\": \"Stories\", \"categories\": [[\"Books\"]]}",
                        "{\"asin\": \"B1\", \"title\": \"Tales\", \"categories\": [[\"Books\"]]}")),
                "reviews.json", null, 0, 0, 1, 2, 3, d -> List.of("data", "stats", "--format", "amazon",
                        d.resolve("reviews.json").toString(), "--amazon-meta", d.resolve("meta.json").toString())));
        out.add(new Format("tandem", Map.of(
                "interactions.tsv", List.of("user_id\titem_id\trating\ttimestamp", "alice\ti1\t5\t100", "bob\ti2\t3\t200",
                        "alice\ti2\t4\t300", "bob\ti1\t2\t400"),
                "dataset.json", List.of("{\"format\":\"tandem-dataset\",\"version\":1,\"name\":\"corpus\"}"),
                "items.jsonl", List.of("{\"item_id\":\"i1\",\"title\":\"First\"}", "{\"item_id\":\"i2\",\"title\":\"Second\"}"),
                "users.jsonl", List.of("{\"user_id\":\"alice\"}", "{\"user_id\":\"bob\"}")),
                "interactions.tsv", "\t", 1, 0, 1, 2, 3, d -> List.of("data", "stats", "--format", "tandem", d.toString())));
        return out;
    }

    private static byte[] join(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static DynamicTest bad(Format f, String name, String file, List<String> mentions, byte[] content) {
        String full = f.id() + " " + name;
        return refused(full, DATA, () -> {
            Path dir = caseDirectory(tmp);
            for (Map.Entry<String, List<String>> e : f.files().entrySet()) {
                Files.write(dir.resolve(e.getKey()), join(e.getValue()));
            }
            if (content == null) {
                Files.delete(dir.resolve(file));
            } else {
                Files.write(dir.resolve(file), content);
            }
            return Invocation.of(mentions, f.args().apply(dir).toArray(String[]::new));
        });
    }

    /** The interactions file with its second data line replaced by {@code edit} of its fields. */
    private static DynamicTest badField(Format f, String name, String field, UnaryOperator<String[]> edit) {
        List<String> lines = new ArrayList<>(f.files().get(f.interactions()));
        int at = f.header() + 1;
        lines.set(at, f.sep() == null ? jsonEdit(lines.get(at), edit) : String.join(f.sep(), edit.apply(
                lines.get(at).split(java.util.regex.Pattern.quote(f.sep()), -1))));
        return bad(f, name, f.interactions(), List.of(f.interactions() + ":" + (at + 1), field), join(lines));
    }

    /** Amazon reviews: the same edits applied to the values of reviewerID, asin, overall, unixReviewTime. */
    private static String jsonEdit(String line, UnaryOperator<String[]> edit) {
        String[] keys = {"reviewerID", "asin", "overall", "unixReviewTime"};
        String[] v = {"A2", "B1", "2.0", "1400000100"};
        String[] e = edit.apply(v.clone());
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < Math.min(keys.length, e.length); i++) {
            if (e[i] == null) {
                continue;
            }
            sb.append(sb.length() > 1 ? ", " : "").append('"').append(keys[i]).append("\": ");
            sb.append(i < 2 ? "\"" + e[i] + "\"" : e[i].matches("-?[0-9.eE+]+") ? e[i] : "\"" + e[i] + "\"");
        }
        return sb.append('}').toString();
    }

    private static String[] set(String[] f, int i, String v) {
        f[i] = v;
        return f;
    }

    @TestFactory
    Stream<DynamicNode> everyFormat() {
        List<DynamicNode> all = new ArrayList<>();
        for (Format f : formats()) {
            List<DynamicTest> cases = new ArrayList<>();
            String ratingName = f.id().equals("amazon") ? "overall" : "rating";
            String timeName = f.id().equals("amazon") ? "unixReviewTime" : "timestamp";
            cases.add(badField(f, "line without its last field", f.id().equals("amazon") ? "unixReviewTime" : "",
                    a -> f.id().equals("amazon") ? new String[] {a[0], a[1], a[2]} : Arrays.copyOf(a, a.length - 1)));
            cases.add(badField(f, "rating not a number", ratingName, a -> set(a, f.rating(), "five")));
            cases.add(badField(f, "rating NaN", ratingName, a -> set(a, f.rating(), "NaN")));
            cases.add(badField(f, "rating infinite", ratingName, a -> set(a, f.rating(), "1e999")));
            cases.add(badField(f, "timestamp not a number", timeName, a -> set(a, f.timestamp(), "yesterday")));
            cases.add(badField(f, "timestamp beyond long", timeName, a -> set(a, f.timestamp(), "99999999999999999999")));
            cases.add(badField(f, "empty user id", f.id().equals("amazon") ? "reviewerID" : "user",
                    a -> set(a, f.user(), "")));
            cases.add(badField(f, "empty item id", f.id().equals("amazon") ? "asin" : "item", a -> set(a, f.item(), "")));
            // Invalid UTF-8 (a lone continuation byte) inside a user id, then an item id. MovieLens
            // files are Latin-1, where every byte is a character, so they have no such case.
            List<String> lines = f.files().get(f.interactions());
            if (!f.id().startsWith("ml-")) {
                String dataLine = f.interactions() + ":" + (f.header() + 2);
                boolean named = !f.id().equals("amazon"); // Amazon's reviews are JSON, refused by the JSON parser
                String json = "field '(json)': Invalid UTF-8";
                String user = f.id().equals("csv") ? "user" : "user_id";
                String item = f.id().equals("csv") ? "item" : "item_id";
                cases.add(bad(f, "invalid UTF-8 in a user id", f.interactions(), named ? List.of(dataLine, notUtf8(user))
                        : List.of(dataLine, json), withByte(lines, f.header() + 1, idStart(f, lines.get(f.header() + 1), f.user()) + 1)));
                cases.add(bad(f, "invalid UTF-8 in an item id", f.interactions(), named ? List.of(dataLine, notUtf8(item))
                        : List.of(dataLine, json), withByte(lines, f.header() + 1, idStart(f, lines.get(f.header() + 1), f.item()) + 1)));
            }
            if (f.header() > 0) {
                cases.add(bad(f, "header line not UTF-8", f.interactions(), List.of(f.interactions() + ":1",
                        f.id().equals("tandem") ? "field '(header)'" : notUtf8("(header)")),
                        withByte(lines, 0, 1)));
            }
            byte[] huge = new byte[10 << 20];
            Arrays.fill(huge, (byte) 'x');
            List<String> withHuge = new ArrayList<>(lines);
            withHuge.set(f.header() + 1, new String(huge, StandardCharsets.US_ASCII));
            cases.add(bad(f, "a 10 MB line", f.interactions(), List.of(f.interactions() + ":" + (f.header() + 2)), join(withHuge)));
            cases.add(bad(f, "empty interactions file", f.interactions(), List.of(f.interactions()), new byte[0]));
            cases.add(bad(f, "interactions file of NUL bytes", f.interactions(), List.of(f.interactions()), new byte[64]));
            if (f.id().equals("tandem")) {
                jsonSideFiles(f, cases);
            } else {
                sideFiles(f, cases);
            }
            cases.add(bad(f, "interactions file missing", f.interactions(), List.of(f.id().equals("recbole") ? ".inter"
                    : f.interactions()), null));
            if (f.header() > 0) {
                cases.add(bad(f, "interactions file with only its header", f.interactions(), List.of(f.interactions()),
                        join(lines.subList(0, f.header()))));
                cases.add(bad(f, "interactions header without the item column", f.interactions(), List.of(f.interactions(), "header"),
                        join(List.of(lines.get(0).replace("item_id", "thing")))));
            }
            all.addAll(corpus("data " + f.id(), cases).toList());
        }
        return all.stream();
    }

    /** What the refusal of bytes that are not UTF-8 in a field says. */
    private static String notUtf8(String field) {
        return "field '" + field + "': not UTF-8 text";
    }

    /** The lines as a file with the byte 0x80 (a lone UTF-8 continuation byte) inserted at {@code at} of line {@code line}. */
    private static byte[] withByte(List<String> lines, int line, int at) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            byte[] b = lines.get(i).getBytes(StandardCharsets.UTF_8);
            int cut = i == line ? at : b.length;
            out.write(b, 0, cut);
            if (i == line) {
                out.write(0x80);
            }
            out.write(b, cut, b.length - cut);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Where the value of field {@code field} starts on an interactions line of the format. */
    private static int idStart(Format f, String line, int field) {
        if (f.sep() == null) {
            String key = field == f.user() ? "\"reviewerID\": \"" : "\"asin\": \"";
            return line.indexOf(key) + key.length();
        }
        int at = 0;
        for (int k = 0; k < field; k++) {
            at = line.indexOf(f.sep(), at) + f.sep().length();
        }
        return at;
    }

    /**
     * Item and user files: a second row of an id (an exact repeat, but for Amazon metadata, which
     * tolerates that, a row saying something else), a row without its id, and invalid UTF-8 in an
     * id and in the text after it (not for MovieLens, whose files are Latin-1).
     */
    private static void sideFiles(Format f, List<DynamicTest> cases) {
        for (Map.Entry<String, List<String>> e : f.files().entrySet()) {
            String file = e.getKey();
            if (file.equals(f.interactions())) {
                continue;
            }
            List<String> lines = e.getValue();
            boolean header = f.id().equals("recbole") || f.id().equals("csv");
            int first = header ? 1 : 0;
            String sep = file.endsWith(".json") ? null : file.endsWith(".csv") ? "," : file.startsWith("u.") ? "|"
                    : file.endsWith(".dat") ? "::" : "\t";
            String row = lines.get(first);
            List<String> dup = new ArrayList<>(lines);
            dup.add(sep == null ? row.replace("Stories", "Other stories") : row);
            String id = sep == null ? "B0" : row.substring(0, row.indexOf(sep));
            cases.add(bad(f, file + " with a duplicate id", file, List.of(file + ":" + dup.size(),
                    "duplicate id '" + id + "' (first on line " + (first + 1) + ")"), join(dup)));
            List<String> noId = new ArrayList<>(lines);
            noId.set(first, sep == null ? row.replace("\"asin\": \"B0\", ", "") : row.substring(row.indexOf(sep)));
            cases.add(bad(f, file + " line without its id", file, List.of(file + ":" + (first + 1)), join(noId)));
            if (f.id().startsWith("ml-")) {
                continue;
            }
            String at = file + ":" + (first + 1);
            // The field names as the message gives them: RecBole's without their type, Amazon's line as a whole.
            List<String> names = sep == null ? List.of("(record)", "(record)")
                    : Arrays.stream(lines.get(0).split(sep)).map(n -> n.replaceFirst(":.*", "")).toList();
            int idAt = sep == null ? row.indexOf("B0") : 0;
            int textAt = sep == null ? row.indexOf("Stories") : row.indexOf(sep) + sep.length();
            cases.add(bad(f, file + " id not UTF-8", file, List.of(at, notUtf8(names.get(0))), withByte(lines, first, idAt + 1)));
            cases.add(bad(f, file + " text not UTF-8", file, List.of(at, notUtf8(names.get(1))), withByte(lines, first, textAt + 1)));
            if (header) {
                cases.add(bad(f, file + " header not UTF-8", file, List.of(file + ":1", notUtf8("(header)")), withByte(lines, 0, 1)));
            }
        }
    }

    /** The tandem format's items.jsonl and users.jsonl: a repeated object, and invalid UTF-8 in one. */
    private static void jsonSideFiles(Format f, List<DynamicTest> cases) {
        for (String file : List.of("items.jsonl", "users.jsonl")) {
            List<String> lines = f.files().get(file);
            String id = lines.get(0).replaceFirst("^\\{\"(item|user)_id\":\"([^\"]*)\".*", "$2");
            List<String> dup = new ArrayList<>(lines);
            dup.add(lines.get(0));
            cases.add(bad(f, file + " with a duplicate id", file, List.of(file + ":" + dup.size(),
                    "duplicate id '" + id + "' (first on line 1)"), join(dup)));
            cases.add(bad(f, file + " not UTF-8", file, List.of(file + ":1", "not UTF-8 text"),
                    withByte(lines, 0, lines.get(0).indexOf(id) + 1)));
        }
    }

    /** The tandem format's manifest: another version, not JSON, missing. */
    @TestFactory
    Stream<DynamicNode> tandemManifest() {
        Format f = formats().stream().filter(x -> x.id().equals("tandem")).findFirst().orElseThrow();
        List<DynamicTest> cases = new ArrayList<>();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("another format version|version", "{\"format\":\"tandem-dataset\",\"version\":2,\"name\":\"x\"}");
        m.put("another format|format", "{\"format\":\"recbole\",\"version\":1,\"name\":\"x\"}");
        m.put("version as a string|version", "{\"format\":\"tandem-dataset\",\"version\":\"1\",\"name\":\"x\"}");
        m.put("not JSON|dataset.json", "format: tandem");
        m.put("a list|dataset.json", "[]");
        m.put("empty|dataset.json", "");
        for (Map.Entry<String, String> e : m.entrySet()) {
            String[] nf = e.getKey().split("\\|");
            cases.add(bad(f, "dataset.json " + nf[0], "dataset.json", List.of("dataset.json", nf[1]),
                    e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        cases.add(bad(f, "dataset.json missing", "dataset.json", List.of("dataset.json"), null));
        return corpus("data tandem dataset.json", cases);
    }
}
