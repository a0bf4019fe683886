package org.tandemrec.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte-level BPE trainer, checked through DJL's Hugging Face tokenizer loading what it writes. */
public class BpeTrainerTest {
    public static List<String> corpus() {
        String[] titles = {"Heat (1995)", "Toy Story (1995)", "Casino (1995)", "Amélie (2001)", "Fargo (1996)", "Se7en (1995)"};
        String[] genres = {"crime", "comedy", "drama", "thriller", "animation"};
        SplittableRandom r = new SplittableRandom(4);
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add("user " + r.nextInt(50) + " watched " + titles[r.nextInt(titles.length)] + ", a "
                    + genres[r.nextInt(genres.length)] + " movie, and liked the movie.");
        }
        return docs;
    }

    @Test
    void byteAlphabetMatchesGpt2() {
        // bytes_to_unicode: printable bytes map to themselves, space (0x20) to U+0120 'Ġ', newline to U+010A 'Ċ'.
        assertEquals('a', ByteLevel.charOf('a'));
        assertEquals('\u0120', ByteLevel.charOf(' '));
        assertEquals('\u010A', ByteLevel.charOf('\n'));
        assertEquals(List.of("user", "\u0120watched", "\u0120Heat", "\u0120(", "1995", ")"), ByteLevel.preTokenize("user watched Heat (1995)"));
    }

    @Test
    void trainedTokenizerRoundTripsThroughDjlAndKeepsFrequentWordsWhole() throws Exception {
        BpeTrainer.Vocabulary v = new BpeTrainer(350, 2).train(corpus());
        assertEquals(350, v.size());
        assertEquals(350 - 260, v.merges().size());
        // The corpus has few distinct words: asking for more stops once no pair occurs twice.
        BpeTrainer.Vocabulary all = new BpeTrainer(5000, 2).train(corpus());
        assertTrue(all.size() < 5000 && all.size() == 260 + all.merges().size(), "size " + all.size());
        try (LlmTokenizer tok = LlmTokenizer.fromJson(BpeTrainer.tokenizerJson(v), BpeTrainer.tokenizerConfigJson(128))) {
            assertEquals(350, tok.size());
            assertEquals(BpeTrainer.EOS, tok.addedTokenId("</s>"));
            assertEquals(BpeTrainer.PAD, tok.addedTokenId("<pad>"));
            for (String s : List.of("user 7 watched Heat (1995), a crime movie.", "Amélie — ★ naïve 東京  two  spaces\ttab",
                    "unseen words: zyxwvut 12345!?")) {
                int[] ids = tok.encode(s);
                assertEquals(s, tok.decode(ids, false), "round trip of " + s);
            }
            for (String w : List.of(" watched", " movie", "user", " liked")) {
                assertEquals(1, tok.encode(w).length, "'" + w + "' should be one token");
                assertEquals(v.vocab().get(ByteLevel.toAlphabet(w)), tok.encode(w)[0]);
            }
            int[] withSpecial = tok.encode("<s>user</s>");
            assertArrayEquals(new int[] {BpeTrainer.BOS, tok.encode("user")[0], BpeTrainer.EOS}, withSpecial);
        }
    }

    @Test
    void trainingIsDeterministic() {
        BpeTrainer.Vocabulary a = new BpeTrainer(350, 2).train(corpus());
        BpeTrainer.Vocabulary b = new BpeTrainer(350, 2).train(corpus());
        assertEquals(a.vocab(), b.vocab());
    }
}
