package org.tandemrec.crm.ctr;

import java.util.List;
import org.tandemrec.base.UsageException;

/** The checks the CTR configs share, each naming the field it refuses. */
final class CtrConfigChecks {
    private CtrConfigChecks() {
    }

    static void positive(String field, int value) {
        if (value <= 0) {
            throw new UsageException(field + " must be > 0, got " + value);
        }
    }

    static void positiveFinite(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UsageException(field + " must be > 0 and finite, got " + value);
        }
    }

    /** An immutable copy of {@code sizes}, each > 0; empty only when {@code mayBeEmpty}. */
    static List<Integer> sizes(String field, List<Integer> sizes, boolean mayBeEmpty) {
        if (sizes == null) {
            throw new UsageException(field + " must be a list of sizes" + (mayBeEmpty ? " (may be empty)" : ""));
        }
        if (sizes.isEmpty() && !mayBeEmpty) {
            throw new UsageException(field + " must hold at least one size");
        }
        List<Integer> copy = List.copyOf(sizes);
        for (int k = 0; k < copy.size(); k++) {
            if (copy.get(k) <= 0) {
                throw new UsageException(field + "[" + k + "] must be > 0, got " + copy.get(k));
            }
        }
        return copy;
    }
}
