package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;

/**
 * scikit-learn 1.9.1 goldens ({@code fixtures/metrics-golden.json} in the test resources: two cases, the
 * second with many tied scores, threshold 0.5). The file states no tolerance; its values are
 * float64 and the double path reproduces them to 1e-12. The float path rounds scores to float32
 * first, which moves log loss by a few 1e-9, hence its looser bound.
 */
class MetricsGoldenTest {
    private static final Path GOLDEN = Fixtures.path("metrics-golden.json");

    private static JsonNode cases() throws IOException {
        return new ObjectMapper().readTree(GOLDEN.toFile()).get("cases");
    }

    private static int[] labels(JsonNode c) {
        JsonNode a = c.get("labels");
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static double[] scores(JsonNode c) {
        JsonNode a = c.get("scores");
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void doublePathMatchesSklearn() throws IOException {
        for (JsonNode c : cases()) {
            int[] y = labels(c);
            double[] s = scores(c);
            double threshold = c.get("threshold").asDouble();
            assertEquals(c.get("auc").asDouble(), Auc.of(y, s), 1e-12, "auc");
            assertEquals(c.get("logloss").asDouble(), LogLoss.of(y, s), 1e-12, "logloss");
            Confusion m = Confusion.at(y, s, threshold);
            assertEquals(c.get("accuracy").asDouble(), m.accuracy(), 1e-12, "accuracy");
            assertEquals(c.get("precision").asDouble(), m.precision(), 1e-12, "precision");
            assertEquals(c.get("recall").asDouble(), m.recall(), 1e-12, "recall");
            assertEquals(c.get("f1").asDouble(), m.f1(), 1e-12, "f1");
        }
    }

    @Test
    void floatPathMatchesSklearnWithinFloat32Rounding() throws IOException {
        for (JsonNode c : cases()) {
            int[] yi = labels(c);
            float[] y = new float[yi.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = yi[i];
            }
            float[] s = toFloat(scores(c));
            assertEquals(c.get("auc").asDouble(), Auc.of(y, s), 1e-9, "auc");
            assertEquals(c.get("logloss").asDouble(), LogLoss.of(y, s), 1e-7, "logloss");
            Confusion m = Confusion.at(y, s, Confusion.DEFAULT_THRESHOLD);
            assertEquals(c.get("accuracy").asDouble(), m.accuracy(), 1e-12, "accuracy");
            assertEquals(c.get("f1").asDouble(), m.f1(), 1e-12, "f1");
        }
    }
}
