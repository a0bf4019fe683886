package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * The input fields every CTR model reads from {@link CtrFeatures}, in this order: user id, item
 * id, the item's categories (mean of their embeddings; only when items have categories), one per
 * user-profile field, and the user's history (mean of the item embeddings of the last H items;
 * the item table is shared). One row-sparse table per id field, named {@code prefix + "user"},
 * {@code "item"}, {@code "category"} and {@code "profile_k"}: with d = the embedding size they are
 * the models' field embeddings, with d = 1 the weights of a linear (logistic-regression) term over
 * the same features. Shapes: B batch, F fields, d embedding size.
 */
final class FieldEmbeddings {
    /** Prefix of the field embedding tables. */
    static final String EMBEDDING = "emb_";
    /** Prefix of the 1-wide tables of the linear term ({@link #linearTerm}). */
    static final String LINEAR = "lin_";

    private FieldEmbeddings() {
    }

    /** Adds the field tables of width {@code d}, each drawn from N(0, std²) in field order. */
    static void addTables(List<Parameter> ps, String prefix, CtrFeatures f, int d, double std, SplittableRandom r) {
        ps.add(Parameter.table(prefix + "user", f.numUsers(), d, WeightInit.normal(f.numUsers() * d, std, r)));
        ps.add(Parameter.table(prefix + "item", f.numItems(), d, WeightInit.normal(f.numItems() * d, std, r)));
        if (f.numCategories() > 0) {
            ps.add(Parameter.table(prefix + "category", f.numCategories(), d,
                    WeightInit.normal(f.numCategories() * d, std, r)));
        }
        for (int k = 0; k < f.profileFields().size(); k++) {
            int n = f.fieldSize(k);
            ps.add(Parameter.table(prefix + "profile_" + k, n, d, WeightInit.normal(n * d, std, r)));
        }
    }

    /** The fields side by side, B × F·d (field f in columns f·d … f·d + d − 1); d is the tables' width. */
    static NDArray gather(AutogradStep s, ParameterSet p, String prefix, CtrFeatures f, int historyLength, int[] users,
                          int[] items, int[][] histories) {
        int b = users.length;
        List<AutogradStep.Field> fields = new ArrayList<>();
        fields.add(AutogradStep.Field.lookup(p.get(prefix + "user"), users));
        fields.add(AutogradStep.Field.lookup(p.get(prefix + "item"), items));
        if (f.numCategories() > 0) {
            int[][] cats = new int[b][];
            for (int k = 0; k < b; k++) {
                cats[k] = f.itemCategoriesView()[items[k]];
            }
            fields.add(AutogradStep.Field.meanOf(p.get(prefix + "category"), cats, Integer.MAX_VALUE));
        }
        int[][] profile = f.userFieldIdsView();
        for (int k = 0; k < f.profileFields().size(); k++) {
            int[] ids = new int[b];
            for (int e = 0; e < b; e++) {
                ids[e] = profile[users[e]][k];
            }
            fields.add(AutogradStep.Field.lookup(p.get(prefix + "profile_" + k), ids));
        }
        fields.add(AutogradStep.Field.meanOf(p.get(prefix + "item"), histories, historyLength));
        return s.fields(fields);
    }

    /** The field embeddings as B × F × d. */
    static NDArray embeddings(AutogradStep s, ParameterSet p, CtrFeatures f, int d, int historyLength, int[] users,
                              int[] items, int[][] histories) {
        return gather(s, p, EMBEDDING, f, historyLength, users, items, histories).reshape(users.length, f.numFields(), d);
    }

    /**
     * The linear term Σ_f w_f(x_f), B × 1, over the 1-wide {@link #LINEAR} tables (a bag field
     * contributes the mean weight of its ids, as its embedding is the mean of theirs).
     */
    static NDArray linearTerm(AutogradStep s, ParameterSet p, CtrFeatures f, int historyLength, int[] users,
                              int[] items, int[][] histories) {
        return gather(s, p, LINEAR, f, historyLength, users, items, histories).sum(new int[] {1}, true);
    }

    /** Refuses ids outside the features' index ranges, naming the model {@code kind}, the id and the example. */
    static void checkIds(String kind, CtrFeatures f, int[] users, int[] items, int[][] histories) {
        for (int k = 0; k < users.length; k++) {
            if (users[k] < 0 || users[k] >= f.numUsers()) {
                throw new IllegalArgumentException(kind + ": user index " + users[k] + " at example " + k + " outside [0,"
                        + f.numUsers() + ")");
            }
            if (items[k] < 0 || items[k] >= f.numItems()) {
                throw new IllegalArgumentException(kind + ": item index " + items[k] + " at example " + k + " outside [0,"
                        + f.numItems() + ")");
            }
            for (int i : histories[k]) {
                if (i < 0 || i >= f.numItems()) {
                    throw new IllegalArgumentException(kind + ": history item " + i + " at example " + k + " outside [0,"
                            + f.numItems() + ")");
                }
            }
        }
    }
}
