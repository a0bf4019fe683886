package org.tandemrec.collab.bdlm;

/**
 * Labelled (user, item) pairs with the LLM's feature of each pair's prompt: what the
 * feature-enhanced CRM trains and scores on. Shapes: N examples, H feature size; {@code
 * features} is row-major [N × H].
 */
public record DrsExamples(int[] users, int[] items, float[] labels, float[] features, int featureSize) {
    public DrsExamples {
        int n = users.length;
        if (items.length != n || labels.length != n) {
            throw new IllegalArgumentException("users, items and labels differ in length: " + n + ", " + items.length
                    + ", " + labels.length);
        }
        if (featureSize <= 0) {
            throw new IllegalArgumentException("featureSize must be > 0, got " + featureSize);
        }
        if (features.length != (long) n * featureSize) {
            throw new IllegalArgumentException("features has " + features.length + " values for " + n + " examples of "
                    + featureSize);
        }
        for (float y : labels) {
            if (y != 0f && y != 1f) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + y);
            }
        }
    }

    public int size() {
        return users.length;
    }
}
