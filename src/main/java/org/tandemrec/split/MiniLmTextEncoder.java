package org.tandemrec.split;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.data.Progress;

/**
 * The pre-trained all-MiniLM-L6-v2 sentence encoder (384 dimensions, mean pooling, normalised)
 * run in process with ONNX Runtime. Loading takes about 2 s; texts are embedded in batches
 * through {@code embedAll}, which spreads a batch over the cores.
 */
public final class MiniLmTextEncoder implements TextEncoder {
    private static final int BATCH = 256;
    private AllMiniLmL6V2EmbeddingModel model;

    @Override
    public float[][] encode(List<String> texts) {
        if (model == null) {
            model = new AllMiniLmL6V2EmbeddingModel();
        }
        float[][] out = new float[texts.size()][];
        try (Progress progress = Progress.start("embedding item texts", texts.size())) {
            for (int from = 0; from < texts.size(); from += BATCH) {
                int to = Math.min(texts.size(), from + BATCH);
                List<TextSegment> batch = new ArrayList<>();
                List<Integer> where = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    String t = texts.get(i);
                    if (t == null || t.isBlank()) {
                        out[i] = new float[dimension()];
                    } else {
                        batch.add(TextSegment.from(t));
                        where.add(i);
                    }
                }
                if (!batch.isEmpty()) {
                    List<Embedding> emb = model.embedAll(batch).content();
                    for (int k = 0; k < emb.size(); k++) {
                        out[where.get(k)] = normalised(emb.get(k).vector());
                    }
                }
                progress.step(to - from);
            }
        }
        return out;
    }

    private static float[] normalised(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] * inv;
        }
        return r;
    }

    @Override
    public int dimension() {
        return 384;
    }

    @Override
    public String modelName() {
        return "all-minilm-l6-v2";
    }
}
