package org.tandemrec.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.GoldenCheck;

/** Encoding matches the golden ids, long texts are not truncated, added tokens stay whole. */
class LlmTokenizerTest {
    static final Path DIR = Fixtures.path("hf/tiny-llama");

    @Test
    void encodesLikeReferenceAndDoesNotTruncate() throws Exception {
        JsonNode g = new ObjectMapper().readTree(DIR.resolve("golden.json").toFile());
        try (LlmTokenizer tok = LlmTokenizer.load(DIR)) {
            for (JsonNode p : g.get("prompts")) {
                int[] ids = tok.encode(p.get("text").asText());
                assertArrayEquals(GoldenCheck.ints(p.get("input_ids")), ids);
                assertEquals(p.get("text").asText(), tok.decode(ids, false));
            }
            String text = g.get("prompts").get(0).get("text").asText();
            int n = tok.encode(text).length;
            assertEquals(40 * n, tok.encode((text).repeat(40)).length, 40 * 3.0); // merges at the joins may differ slightly
            assertEquals(0, tok.addedTokenId("<|endoftext|>"));
            assertEquals(1, tok.addedTokenId("<|pad|>"));
            assertEquals(600, tok.size());
        }
    }

    @Test
    void aTokenizerWhoseIdsRunPastTheModelsVocabularyIsRefused() throws Exception {
        // tiny-llama's tokenizer holds 600 ids (see above): a model of 600 rows takes it, one of 599 cannot.
        try (LlmTokenizer t = LlmTokenizer.load(DIR, 600)) {
            assertEquals(600, t.size());
        }
        DataFormatException e = assertThrows(DataFormatException.class, () -> LlmTokenizer.load(DIR, 599));
        assertEquals(DIR.resolve("tokenizer.json") + ": token id 599 is past the model's vocab_size 599 (config.json): the"
                + " tokenizer belongs to another model", e.getMessage());
    }

    @Test
    void aMalformedTokenizerFileIsBadDataNamingTheFile(@TempDir Path tmp) throws Exception {
        String[][] cases = {{"{\"model\": 3}", "field model must be an object"},
            {"{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"", "not valid JSON: "},
            {"{\"model\": {\"type\": \"BPE\", \"vocab\": 5}}", "not a Hugging Face fast tokenizer: "},
            {"{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": \"a b\"}}",
                "field model.merges must be a list of merges, got \"a b\""},
            {"{\"model\": {\"type\": \"Foo\"}}", "field model.type: unknown tokenizer model \"Foo\" (known: BPE, Unigram,"},
            {"{\"model\": {\"type\": \"BPE\"}, \"pre_tokenizer\": {\"type\": \"Shredder\"}}",
                "field pre_tokenizer.type: unknown pre-tokenizer \"Shredder\" (known: BertPreTokenizer,"},
            {"{\"model\": {\"type\": \"BPE\"}, \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\":"
                + " \"Digits\"}, {\"type\": 7}]}}", "field pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer 7"}};
        for (String[] c : cases) {
            Path file = Files.writeString(tmp.resolve("tokenizer.json"), c[0]);
            DataFormatException e = assertThrows(DataFormatException.class, () -> LlmTokenizer.load(tmp));
            assertTrue(e.getMessage().startsWith(file + ": " + c[1]), e.getMessage());
        }
    }

    @Test
    void aKnownPreTokenizerInsideASequenceIsAccepted(@TempDir Path tmp) throws Exception {
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(DIR.resolve("tokenizer.json").toFile());
        com.fasterxml.jackson.databind.node.ObjectNode seq = json.createObjectNode().put("type", "Sequence");
        seq.putArray("pretokenizers").add(root.get("pre_tokenizer"));
        root.set("pre_tokenizer", seq);
        Files.writeString(tmp.resolve("tokenizer.json"), root.toString());
        try (LlmTokenizer plain = LlmTokenizer.load(DIR); LlmTokenizer wrapped = LlmTokenizer.load(tmp)) {
            assertArrayEquals(plain.encode("Hello world, twice"), wrapped.encode("Hello world, twice"));
        }
    }

    @Test
    void addedTokensAreWholeUnits() throws Exception {
        try (LlmTokenizer tok = LlmTokenizer.load(DIR);
             LlmTokenizer ext = tok.withAddedTokens(List.of("<uid_1>", "<iid_1>", "<iid_2>"))) {
            assertEquals(603, ext.size());
            int[] ids = ext.encode("Hello<uid_1> world<iid_2>");
            int[] hello = tok.encode("Hello");
            assertEquals(600, ids[hello.length]);
            assertEquals(602, ids[ids.length - 1]);
            assertThrows(IllegalArgumentException.class, () -> ext.withAddedTokens(List.of("<iid_1>")));
        }
    }
}
