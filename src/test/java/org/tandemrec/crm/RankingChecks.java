package org.tandemrec.crm;

/** Small metric helpers for the model tests (first-principles definitions). */
public final class RankingChecks {
    private RankingChecks() {
    }

    /** AUC = P(score of a random positive > score of a random negative), ties count one half. O(P·N). */
    public static double auc(float[] scores, float[] labels) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] != 1f) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (labels[j] != 0f) {
                    continue;
                }
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                pairs++;
            }
        }
        return wins / pairs;
    }

    /** Rank of {@code target} among all items by {@code scores} (0 = best; ties count against the target). */
    public static int rank(float[] scores, int target) {
        int r = 0;
        for (int i = 0; i < scores.length; i++) {
            if (i != target && scores[i] >= scores[target]) {
                r++;
            }
        }
        return r;
    }
}
