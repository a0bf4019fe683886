package org.tandemrec.collab.bdlm;

import org.tandemrec.crm.RowMajor;
import org.tandemrec.train.Parameter;

/**
 * BDLM's information-sharing module M (§4.3): a user table and an item table in the LLM's
 * hidden size that the LLM's ID-token rows and the CRM's representations are both pulled
 * towards (Eqs. 7–8): L_mutual = MSE(E_users, M_users) + MSE(E_items, M_items) over the users and
 * items of a batch. Its tables train with lazy (row-sparse) updates, so a step touches only the
 * batch's rows.
 */
public final class SharingModule {
    private final Parameter users;
    private final Parameter items;
    private final int dim;

    /** M starting from [U][H] user and [I][H] item vectors (copied). */
    public SharingModule(float[][] userVectors, float[][] itemVectors) {
        this.dim = userVectors[0].length;
        this.users = Parameter.table("share.users", userVectors.length, dim, RowMajor.table(userVectors, dim));
        this.items = Parameter.table("share.items", itemVectors.length, dim, RowMajor.table(itemVectors, dim));
    }

    public Parameter users() {
        return users;
    }

    public Parameter items() {
        return items;
    }

    public int dim() {
        return dim;
    }

    /**
     * Adds λ·MSE(e, M) over the given rows to the gradients of both sides, where {@code values}
     * holds the other side's vectors of those rows ([n][H], e.g. the LLM's ID-token rows) and
     * {@code grads} receives their gradient ([n][H], added to); returns λ·MSE. MSE is the mean
     * over the n rows and H columns, as PyTorch's {@code mse_loss}.
     */
    static double pull(Parameter table, int[] rows, float[][] values, float[][] grads, double lambda) {
        int n = rows.length;
        if (n == 0 || lambda == 0) {
            return 0;
        }
        int d = table.cols();
        float[] m = table.value();
        double loss = 0;
        float scale = (float) (2 * lambda / ((double) n * d));
        float[] diff = new float[d];
        for (int k = 0; k < n; k++) {
            int o = rows[k] * d;
            for (int j = 0; j < d; j++) {
                diff[j] = values[k][j] - m[o + j];
                loss += (double) diff[j] * diff[j];
                grads[k][j] += scale * diff[j];
            }
            table.addRowGrad(rows[k], diff, 0, -scale);
        }
        return lambda * loss / ((double) n * d);
    }
}
