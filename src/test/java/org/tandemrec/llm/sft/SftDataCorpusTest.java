package org.tandemrec.llm.sft;

import static org.tandemrec.cli.HostileInput.DATA;
import static org.tandemrec.cli.HostileInput.caseDirectory;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;
import org.tandemrec.llm.FixtureCheckpoint;

/**
 * The SFT JSON Lines part of the malformed-input corpus: a valid three-example file with one line
 * broken at a time (not JSON, not an object, fields missing, empty, of the wrong type or unknown,
 * duplicate ids, a misplaced or foreign header, invalid UTF-8, a 10 MB line) and whole files empty
 * or missing; each given to {@code tandem llm sft}, as training and as validation data.
 */
class SftDataCorpusTest {
    @TempDir
    static Path tmp;

    private static final String HEADER = "{\"format\": \"tandem-sft\", \"version\": 1}";
    private static final List<String> VALID = List.of(HEADER,
            "{\"id\": \"a\", \"prompt\": \"Toy Story (1995) is a\", \"answer\": \" comedy\"}",
            "{\"id\": \"b\", \"prompt\": \"Heat (1995) is a\", \"answer\": \" thriller\"}",
            "{\"id\": \"c\", \"prompt\": \"Casino (1995) is a\", \"answer\": \" drama\"}");

    private static DynamicTest bad(String name, boolean asValid, List<String> mentions, byte[] content) {
        String full = "sft " + (asValid ? "--valid " : "--data ") + name;
        return refused(full, DATA, () -> {
            Path dir = caseDirectory(tmp);
            Path good = Files.write(dir.resolve("good.jsonl"), join(VALID));
            Path f = dir.resolve("examples.jsonl");
            if (content != null) {
                Files.write(f, content);
            }
            Path out = dir.resolve("out");
            List<String> args = new ArrayList<>(List.of("llm", "sft", "--model", FixtureCheckpoint.TINY.toString(), "--out",
                    out.toString()));
            args.addAll(asValid ? List.of("--data", good.toString(), "--valid", f.toString()) : List.of("--data", f.toString()));
            return new Invocation(args, mentions, out);
        });
    }

    private static byte[] join(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withLine(int index, String line) {
        List<String> l = new ArrayList<>(VALID);
        l.set(index, line);
        return join(l);
    }

    @TestFactory
    Stream<DynamicNode> sftJsonLines() {
        List<DynamicTest> cases = new ArrayList<>();
        String f = "examples.jsonl";
        Map<String, String[]> lines = new LinkedHashMap<>();
        // name → {line 3 replaced by, what the message says of it}
        String line = "field '(line)': ";
        lines.put("a line cut in half", new String[] {"{\"id\": \"b\", \"prompt\": \"Heat",
            line + "not valid JSON: Unexpected end-of-input"});
        lines.put("a line that is a list", new String[] {"[\"Heat\", \" thriller\"]",
            line + "expected a JSON object, got [\"Heat\", \" thriller\"]"});
        lines.put("a line that is a string", new String[] {"\"Heat (1995) is a thriller\"",
            line + "expected a JSON object, got \"Heat (1995) is a thriller\""});
        lines.put("a line that is null", new String[] {"null", line + "expected a JSON object, got null"});
        lines.put("a line of prose", new String[] {"Heat (1995) is a thriller",
                line + "not valid JSON: Unrecognized token 'Heat'"});
        lines.put("without prompt", new String[] {"{\"id\": \"b\", \"answer\": \" thriller\"}", "field 'prompt': missing"});
        lines.put("without answer", new String[] {"{\"id\": \"b\", \"prompt\": \"Heat (1995) is a\"}",
                "field 'answer': missing"});
        lines.put("an empty prompt", new String[] {"{\"id\": \"b\", \"prompt\": \"\", \"answer\": \" thriller\"}",
            "field 'prompt': must not be empty"});
        lines.put("an empty answer", new String[] {"{\"id\": \"b\", \"prompt\": \"Heat\", \"answer\": \"\"}",
            "field 'answer': must not be empty"});
        lines.put("a prompt as a number", new String[] {"{\"id\": \"b\", \"prompt\": 1995, \"answer\": \" thriller\"}",
            "field 'prompt': must be a string, got 1995"});
        lines.put("an answer as a list", new String[] {"{\"id\": \"b\", \"prompt\": \"Heat\", \"answer\": [\" thriller\"]}",
            "field 'answer': must be a string, got [\" thriller\"]"});
        lines.put("a null answer", new String[] {"{\"id\": \"b\", \"prompt\": \"Heat\", \"answer\": null}",
                "field 'answer': missing"});
        lines.put("an unknown field", new String[] {"{\"id\": \"b\", \"prompt\": \"Heat\", \"answer\": \" x\", \"label\": 1}",
            "field 'label': unknown field (known: id, prompt, answer)"});
        lines.put("an id as an object", new String[] {"{\"id\": {\"n\": 1}, \"prompt\": \"Heat\", \"answer\": \" x\"}",
            "field 'id': must be a string or an integer, got {\"n\":1}"});
        lines.put("a duplicate id", new String[] {"{\"id\": \"a\", \"prompt\": \"Heat\", \"answer\": \" x\"}",
            "field 'id': duplicate id 'a'"});
        lines.put("a second header", new String[] {HEADER, "field 'format': a format header is allowed only on the first line"});
        for (Map.Entry<String, String[]> e : lines.entrySet()) {
            for (boolean asValid : new boolean[] {false, true}) {
                if (asValid && !(e.getKey().equals("without answer") || e.getKey().equals("a line cut in half"))) {
                    continue;
                }
                cases.add(bad(e.getKey(), asValid, List.of(f + ":3", e.getValue()[1]), withLine(2, e.getValue()[0])));
            }
        }
        cases.add(bad("a header of another format", false, List.of(f + ":1",
                "field 'format': expected tandem-sft, got 'tandem-dataset'"),
                withLine(0, "{\"format\": \"tandem-dataset\", \"version\": 1}")));
        cases.add(bad("a header of another version", false, List.of(f + ":1",
                "field 'version': tandem-sft version 2 is not supported (this version reads 1)"),
                withLine(0, "{\"format\": \"tandem-sft\", \"version\": 2}")));
        cases.add(bad("a header version as text", false, List.of(f + ":1", "field 'version': must be an integer, got \"1\""),
                withLine(0, "{\"format\": \"tandem-sft\", \"version\": \"1\"}")));
        cases.add(bad("a header with an extra field", false, List.of(f + ":1",
                "field 'author': unknown header field (known: format, version)"),
                withLine(0, "{\"format\": \"tandem-sft\", \"version\": 1, \"author\": \"x\"}")));
        byte[] utf = withLine(2, "{\"id\": \"b\", \"prompt\": \"Heat X\", \"answer\": \" thriller\"}");
        String s = new String(utf, StandardCharsets.ISO_8859_1);
        utf[s.indexOf("Heat X") + 5] = (byte) 0xff;
        cases.add(bad("invalid UTF-8 in a prompt", false, List.of(f + ":3", "field '(encoding)': not UTF-8 text"), utf));
        cases.add(bad("a 10 MB line", false, List.of(f + ":3", line + "not valid JSON"), withLine(2, "{".repeat(10 << 20))));
        String none = "no examples (expected JSON lines with prompt and answer)";
        cases.add(bad("empty", false, List.of(f, none), new byte[0]));
        cases.add(bad("blank lines only", false, List.of(f, none), "\n   \n\n".getBytes(StandardCharsets.UTF_8)));
        cases.add(bad("a header only", false, List.of(f, none), join(List.of(HEADER))));
        cases.add(bad("NUL bytes", false, List.of(f + ":1", line + "not valid JSON: Illegal character"), new byte[64]));
        cases.add(bad("empty", true, List.of(f, none), new byte[0]));
        return corpus("SFT JSON Lines (tandem llm sft)", cases);
    }
}
