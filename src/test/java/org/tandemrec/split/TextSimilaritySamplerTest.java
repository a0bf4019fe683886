package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/** The only test class that loads the real sentence encoder (about 2–5 s); it embeds 20 short texts. */
class TextSimilaritySamplerTest {
    private static final List<String> SPACE = List.of(
            "Rocket launch to orbit", "Astronauts aboard the space station", "A spacecraft lands on Mars",
            "The history of space rockets", "Building a rocket engine for spaceflight", "Satellites circling the Earth",
            "Journey to the Moon", "Space shuttle mission to orbit", "Exploring distant planets with probes",
            "A rocket scientist designs a launch vehicle");
    private static final List<String> PASTA = List.of(
            "Cooking pasta with tomato sauce", "Homemade spaghetti recipe", "Italian kitchen: fresh noodles",
            "How to boil pasta al dente", "Lasagna baked in the oven", "Garlic and olive oil pasta dinner",
            "Ravioli filled with ricotta cheese", "A chef's guide to Italian cooking", "Creamy carbonara recipe",
            "Penne with basil pesto");

    private static MiniLmTextEncoder encoder;
    private static List<String> texts;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadModel() {
        encoder = new MiniLmTextEncoder();
        texts = new ArrayList<>(SPACE);
        texts.addAll(PASTA);
    }

    @AfterAll
    static void closeModel() {
        encoder.close();
    }

    @Test
    void batchedEncoderMatchesLangChain4jEmbedAll() {
        // Reference: the library's own per-text inference of the same model.
        List<String> some = List.of(SPACE.get(0), PASTA.get(3), "x", SPACE.get(9) + " " + PASTA.get(9));
        float[][] ours = encoder.encode(some);
        var reference = new AllMiniLmL6V2EmbeddingModel().embedAll(some.stream().map(TextSegment::from).toList())
                .content();
        for (int i = 0; i < some.size(); i++) {
            float[] r = reference.get(i).vector();
            double dot = 0;
            double nr = 0;
            for (int k = 0; k < r.length; k++) {
                dot += r[k] * ours[i][k];
                nr += r[k] * r[k];
            }
            assertEquals(1.0, dot / Math.sqrt(nr), 1e-5, "cosine to the reference for '" + some.get(i) + "'");
            assertEquals(r[0] / Math.sqrt(nr), ours[i][0], 1e-5);
        }
        assertArrayEquals(new float[384], encoder.encode(List.of(" "))[0], "blank text embeds to zero");
    }

    private static boolean isSpace(int item) {
        return item < SPACE.size();
    }

    @Test
    void neighboursAndTextNegativesStayOnTopic() throws IOException {
        Dataset dataset = dataset();
        // Neighbours: with two clearly separated topics, each item's 5 nearest share its topic.
        Path cache = tmp.resolve(ItemEmbeddings.FILE_NAME);
        CountingEncoder counting = new CountingEncoder(encoder);
        ItemEmbeddings emb = ItemEmbeddings.loadOrCompute(cache, texts, counting);
        int[][] nb = TextNeighbours.topM(emb, 5);
        for (int i = 0; i < texts.size(); i++) {
            for (int j : nb[i]) {
                assertEquals(isSpace(i), isSpace(j), "'" + texts.get(i) + "' → '" + texts.get(j) + "'");
            }
        }
        assertTrue(emb.cosine(0, 3) > emb.cosine(0, 10) + 0.2, "rockets closer to rockets than to pasta");

        // Text negatives through the whole split: drawn from the positive's 9 most similar items.
        SplitConfig config = SplitConfig.defaults().withSampler(SplitConfig.SamplerKind.TEXT).withNegatives(5)
                .withTextTopM(9).withTask(SplitConfig.Task.TOPK);
        SplitData s = SplitPlan.run(dataset, SplitSource.implicitData("topics"), config, tmp.resolve("split"),
                new SplitBuilder(counting));
        assertEquals(2, counting.calls.get(), "the split embeds once more (its own cache file)");
        assertEquals(encoder.modelName(), s.manifest().textModel());
        CandidateLists lists = s.testCandidates();
        assertTrue(lists.size() > 0);
        int[][] top9 = TextNeighbours.topM(emb, 9);
        UserItems known = UserItems.of(dataset.interactions());
        int onTopic = 0;
        int total = 0;
        for (int l = 0; l < lists.size(); l++) {
            int p = lists.positive(l);
            java.util.Set<Integer> near = new java.util.HashSet<>();
            for (int j : top9[p]) {
                if (!known.contains(lists.user(l), j)) {
                    near.add(j);
                }
            }
            for (int it : lists.negatives(l)) {
                if (near.size() >= 5) {
                    assertTrue(near.contains(it), "negative " + texts.get(it) + " not among the 9 nearest of "
                            + texts.get(p));
                }
                onTopic += isSpace(p) == isSpace(it) ? 1 : 0;
                total++;
            }
        }
        assertTrue(onTopic >= 0.8 * total, onTopic + " of " + total + " negatives share the positive's topic");

        // A re-run reads item_embeddings.f32 instead of embedding again, and gives the same files.
        Path splitCache = tmp.resolve("split").resolve(ItemEmbeddings.FILE_NAME);
        assertTrue(Files.isRegularFile(splitCache));
        byte[] before = Files.readAllBytes(tmp.resolve("split/test_candidates.tsv"));
        SplitPlan.run(dataset, SplitSource.implicitData("topics"), config, tmp.resolve("split"), new SplitBuilder(counting));
        assertEquals(2, counting.calls.get(), "cache hit");
        assertArrayEquals(before, Files.readAllBytes(tmp.resolve("split/test_candidates.tsv")));
        ItemEmbeddings cached = ItemEmbeddings.read(splitCache);
        assertArrayEquals(emb.vector(7), cached.vector(7));
        // Other texts → the cache does not match and is recomputed.
        List<String> changed = new ArrayList<>(texts);
        changed.set(0, "Rocket launch to low Earth orbit");
        ItemEmbeddings.loadOrCompute(splitCache, changed, counting);
        assertEquals(3, counting.calls.get(), "changed texts are embedded again");

        // Mixed (BDLM): 3 of 5 by text from the positive's topic, 2 by popularity.
        SplitData mixed = SplitPlan.run(dataset, SplitSource.implicitData("topics"),
                config.withSampler(SplitConfig.SamplerKind.MIXED).withPopularityShare(0.4), tmp.resolve("mixed"),
                new SplitBuilder(counting));
        assertEquals(mixed.testCandidates().size(), lists.size());
    }

    /** Users each read three items of one topic, at times 1, 2, 3. */
    private static Dataset dataset() {
        InteractionTable.Builder b = new InteractionTable.Builder();
        int users = 12;
        for (int u = 0; u < users; u++) {
            int base = (u % 2 == 0) ? 0 : SPACE.size();
            for (int k = 0; k < 3; k++) {
                b.add(u, base + (u + 3 * k) % 10, 1f, k + 1);
            }
        }
        List<ItemInfo> info = new ArrayList<>();
        for (String t : texts) {
            info.add(new ItemInfo(t, List.of(), ""));
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            profiles.add(UserProfile.EMPTY);
        }
        return new Dataset("topics", b.build(users, texts.size()), IdMap.identity(users), IdMap.identity(texts.size()),
                info, profiles);
    }

    /** Counts how often texts are actually embedded, to see cache hits. */
    private static final class CountingEncoder implements TextEncoder {
        private final TextEncoder inner;
        private final AtomicInteger calls = new AtomicInteger();

        CountingEncoder(TextEncoder inner) {
            this.inner = inner;
        }

        @Override
        public float[][] encode(List<String> list) {
            calls.incrementAndGet();
            return inner.encode(list);
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public String modelName() {
            return inner.modelName();
        }
    }
}
