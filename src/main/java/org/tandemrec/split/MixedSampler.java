package org.tandemrec.split;

import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;

/**
 * Splits each list's negatives among several samplers by fixed shares (BDLM §4.1: "a
 * combination of popularity sampling and text similarity sampling", half each by default).
 * Counts are allotted by largest remainder; a sampler whose pool runs dry passes its shortfall
 * to the next one.
 */
public final class MixedSampler implements NegativeSampler {
    private final List<NegativeSampler> parts;
    private final double[] shares;

    public MixedSampler(List<NegativeSampler> parts, double[] shares) {
        if (parts.isEmpty() || parts.size() != shares.length) {
            throw new UsageException("need one share per sampler, got " + parts.size() + " samplers and "
                    + shares.length + " shares");
        }
        double sum = 0;
        for (double s : shares) {
            if (!(s >= 0)) {
                throw new UsageException("shares must be >= 0, got " + s);
            }
            sum += s;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new UsageException("shares must sum to 1, got " + sum);
        }
        this.parts = List.copyOf(parts);
        this.shares = shares.clone();
    }

    /** Allotment of n draws to the parts by largest remainder (ties to the earlier part). */
    int[] allot(int n) {
        int[] counts = new int[shares.length];
        double[] rem = new double[shares.length];
        int given = 0;
        for (int i = 0; i < shares.length; i++) {
            double exact = shares[i] * n;
            counts[i] = (int) Math.floor(exact + 1e-9);
            rem[i] = exact - counts[i];
            given += counts[i];
        }
        while (given < n) {
            int best = 0;
            for (int i = 1; i < rem.length; i++) {
                if (rem[i] > rem[best] + 1e-12) {
                    best = i;
                }
            }
            counts[best]++;
            rem[best] = -1;
            given++;
        }
        return counts;
    }

    @Override
    public int draw(int positive, int n, TakenItems taken, SplittableRandom random, int[] out, int offset) {
        int[] counts = allot(n);
        int drawn = 0;
        int carry = 0;
        for (int i = 0; i < parts.size(); i++) {
            int want = counts[i] + carry;
            int got = want == 0 ? 0 : parts.get(i).draw(positive, want, taken, random, out, offset + drawn);
            drawn += got;
            carry = want - got;
        }
        for (int i = 0; i < parts.size() && drawn < n; i++) {
            drawn += parts.get(i).draw(positive, n - drawn, taken, random, out, offset + drawn);
        }
        return drawn;
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder("mixed(");
        for (int i = 0; i < parts.size(); i++) {
            sb.append(i > 0 ? "," : "").append(parts.get(i).name()).append(':').append(shares[i]);
        }
        return sb.append(')').toString();
    }
}
