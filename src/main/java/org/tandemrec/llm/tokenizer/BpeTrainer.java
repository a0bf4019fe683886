package org.tandemrec.llm.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.tandemrec.base.UsageException;

/**
 * Learns a byte-level BPE vocabulary (Sennrich et al. 2016; GPT-2's byte alphabet) from a
 * corpus and writes it as a Hugging Face {@code tokenizer.json}. Words are counted once after
 * {@link ByteLevel} pre-tokenisation; then the most frequent adjacent symbol pair (ties: the
 * smaller pair of ids, i.e. the earlier-learned symbols) is merged repeatedly until the
 * vocabulary has {@code vocabSize} entries or no pair occurs {@code minFrequency} times. Pair
 * counts are kept incrementally: a merge revisits only the words that contain the pair.
 * Ids: the special tokens first ({@link #SPECIALS}), then the 256 byte symbols, then merges.
 */
public final class BpeTrainer {
    /** Special tokens and their ids 0..3. */
    public static final List<String> SPECIALS = List.of("<unk>", "<s>", "</s>", "<pad>");
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int PAD = 3;

    /** A learned vocabulary: symbol → id (specials included) and the merges in order. */
    public record Vocabulary(Map<String, Integer> vocab, List<String[]> merges) {
        public int size() {
            return vocab.size();
        }
    }

    private final int vocabSize;
    private final int minFrequency;

    public BpeTrainer(int vocabSize, int minFrequency) {
        int min = SPECIALS.size() + 256;
        if (vocabSize < min) {
            throw new UsageException("vocabSize must be >= " + min + " (specials + 256 bytes), got " + vocabSize);
        }
        if (minFrequency < 1) {
            throw new UsageException("minFrequency must be >= 1, got " + minFrequency);
        }
        this.vocabSize = vocabSize;
        this.minFrequency = minFrequency;
    }

    /** Learns merges from {@code documents}. */
    public Vocabulary train(Iterable<String> documents) {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String d : documents) {
            for (String w : ByteLevel.preTokenize(d)) {
                wordCounts.merge(w, 1, Integer::sum);
            }
        }
        List<String> symbols = new ArrayList<>();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String s : SPECIALS) {
            ids.put(s, symbols.size());
            symbols.add(s);
        }
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf(ByteLevel.charOf(b));
            ids.put(s, symbols.size());
            symbols.add(s);
        }
        // Sorted words make the run independent of hash order.
        List<String> wordList = new ArrayList<>(wordCounts.keySet());
        wordList.sort(null);
        int n = wordList.size();
        int[][] words = new int[n][];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            String w = wordList.get(i);
            words[i] = new int[w.length()];
            for (int j = 0; j < w.length(); j++) {
                words[i][j] = ids.get(String.valueOf(w.charAt(j)));
            }
            counts[i] = wordCounts.get(w);
        }
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int i = 0; i < n; i++) {
            addPairs(words[i], counts[i], i, pairCounts, where);
        }
        PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        pairCounts.forEach((p, c) -> heap.add(new long[] {c, p}));
        List<String[]> merges = new ArrayList<>();
        while (symbols.size() < vocabSize && !heap.isEmpty()) {
            long[] top = heap.poll();
            long pair = top[1];
            long current = pairCounts.getOrDefault(pair, 0L);
            if (current != top[0]) {
                if (current > 0) {
                    heap.add(new long[] {current, pair});
                }
                continue;
            }
            if (current < minFrequency) {
                break;
            }
            int a = (int) (pair >>> 32);
            int b = (int) pair;
            int z = symbols.size();
            String merged = symbols.get(a) + symbols.get(b);
            if (ids.containsKey(merged)) {
                // The same string reached by another split: keep its first id, drop this pair.
                pairCounts.remove(pair);
                continue;
            }
            symbols.add(merged);
            ids.put(merged, z);
            merges.add(new String[] {symbols.get(a), symbols.get(b)});
            Set<Long> touched = new HashSet<>();
            for (int wi : new ArrayList<>(where.getOrDefault(pair, Set.of()))) {
                int[] w = words[wi];
                removePairs(w, counts[wi], pairCounts, touched);
                words[wi] = mergeIn(w, a, b, z);
                addPairs(words[wi], counts[wi], wi, pairCounts, where);
                touchAll(words[wi], touched);
            }
            where.remove(pair);
            pairCounts.remove(pair);
            for (long p : touched) {
                Long c = pairCounts.get(p);
                if (c != null && c > 0) {
                    heap.add(new long[] {c, p});
                }
            }
        }
        return new Vocabulary(ids, merges);
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private static void addPairs(int[] w, long count, int wi, Map<Long, Long> pairCounts, Map<Long, Set<Integer>> where) {
        for (int j = 0; j + 1 < w.length; j++) {
            long k = key(w[j], w[j + 1]);
            pairCounts.merge(k, count, Long::sum);
            where.computeIfAbsent(k, x -> new HashSet<>()).add(wi);
        }
    }

    private static void removePairs(int[] w, long count, Map<Long, Long> pairCounts, Set<Long> touched) {
        for (int j = 0; j + 1 < w.length; j++) {
            long k = key(w[j], w[j + 1]);
            long left = pairCounts.merge(k, -count, Long::sum);
            if (left <= 0) {
                pairCounts.remove(k);
            }
            touched.add(k);
        }
    }

    private static void touchAll(int[] w, Set<Long> touched) {
        for (int j = 0; j + 1 < w.length; j++) {
            touched.add(key(w[j], w[j + 1]));
        }
    }

    /** Left-to-right replacement of (a, b) by z, as BPE applies a merge. */
    private static int[] mergeIn(int[] w, int a, int b, int z) {
        int[] out = new int[w.length];
        int n = 0;
        for (int j = 0; j < w.length; j++) {
            if (j + 1 < w.length && w[j] == a && w[j + 1] == b) {
                out[n++] = z;
                j++;
            } else {
                out[n++] = w[j];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** {@code tokenizer.json} of a vocabulary: BPE model, ByteLevel pre-tokenizer and decoder, the special tokens added. */
    public static String tokenizerJson(Vocabulary v) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String s : SPECIALS) {
            ObjectNode t = added.addObject();
            t.put("id", v.vocab().get(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(om, false, true));
        root.putNull("post_processor");
        root.set("decoder", byteLevel(om, true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        v.vocab().forEach(vocab::put);
        ArrayNode merges = model.putArray("merges");
        for (String[] m : v.merges()) {
            merges.add(m[0] + " " + m[1]);
        }
        return om.writeValueAsString(root);
    }

    /** {@code tokenizer_config.json} naming the special tokens. */
    public static String tokenizerConfigJson(int modelMaxLength) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("tokenizer_class", "PreTrainedTokenizerFast");
        n.put("bos_token", SPECIALS.get(BOS));
        n.put("eos_token", SPECIALS.get(EOS));
        n.put("pad_token", SPECIALS.get(PAD));
        n.put("unk_token", SPECIALS.get(UNK));
        n.put("model_max_length", modelMaxLength);
        n.put("add_bos_token", false);
        n.put("add_eos_token", false);
        return om.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }

    private static ObjectNode byteLevel(ObjectMapper om, boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = om.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }
}
