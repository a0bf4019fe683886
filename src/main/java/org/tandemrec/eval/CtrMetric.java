package org.tandemrec.eval;

/**
 * Metrics of the click-through-rate (interaction prediction) task, with the key each has in
 * {@code metrics.json}. ACC, precision, recall and F1 threshold at
 * {@link Confusion#DEFAULT_THRESHOLD}; UAUC is the unweighted per-user mean ({@link UserAuc}).
 */
public enum CtrMetric {
    AUC("auc", true),
    UAUC("uauc", true),
    LOGLOSS("logloss", false),
    ACCURACY("accuracy", true),
    PRECISION("precision", true),
    RECALL("recall", true),
    F1("f1", true);

    private final String key;
    private final boolean higherIsBetter;

    CtrMetric(String key, boolean higherIsBetter) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
    }

    public String key() {
        return key;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
