package org.tandemrec.split;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.tandemrec.base.UsageException;

/**
 * How a data set is split and which evaluation sets are drawn. Defaults ({@link #defaults()})
 * follow BDLM §4.1: leave-one-out, both tasks, 19 negatives per top-K list drawn half by
 * popularity and half by text similarity, 1:1 uniform negatives for interaction prediction.
 * {@link #corella()} gives CoReLLa's global time split 80/10/10 for CTR.
 *
 * @param protocol how interactions are divided into train / valid / test
 * @param task which evaluation sets are written
 * @param negatives negatives per top-K candidate list (19 as BDLM, 99 as NCF)
 * @param sampler sampler of top-K negatives
 * @param ctrSampler sampler of the 1:1 CTR negatives of implicit data
 * @param seed the one seed every random choice derives from
 * @param trainFraction share of rows in train (time and random split)
 * @param validFraction share of rows in valid (time and random split)
 * @param testFraction share of rows in test (time and random split); the three sum to 1
 * @param minInteractions leave-one-out: users with fewer interactions stay wholly in train
 * @param popularityExponent popularity sampler weight is {@code count^exponent}
 * @param textTopM text sampler draws from each positive's M most similar items
 * @param popularityShare mixed sampler: share of negatives drawn by popularity, the rest by text
 */
public record SplitConfig(Protocol protocol, Task task, int negatives, SamplerKind sampler,
                          SamplerKind ctrSampler, long seed, double trainFraction, double validFraction,
                          double testFraction, int minInteractions, double popularityExponent,
                          int textTopM, double popularityShare) {

    /** How interactions are divided. */
    public enum Protocol {
        LOO, TIME, RANDOM;

        public static Protocol parse(String s) {
            return SplitConfig.parseEnum(Protocol.class, "protocol", s);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which evaluation sets are drawn. */
    public enum Task {
        CTR, TOPK, BOTH;

        public static Task parse(String s) {
            return SplitConfig.parseEnum(Task.class, "task", s);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean ctr() {
            return this != TOPK;
        }

        public boolean topK() {
            return this != CTR;
        }
    }

    /** Negative samplers. */
    public enum SamplerKind {
        UNIFORM, POPULARITY, TEXT, MIXED;

        public static SamplerKind parse(String s) {
            return SplitConfig.parseEnum(SamplerKind.class, "sampler", s);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean needsText() {
            return this == TEXT || this == MIXED;
        }
    }

    public SplitConfig {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(ctrSampler, "ctrSampler");
        if (negatives < 1) {
            throw new UsageException("negatives must be >= 1, got " + negatives);
        }
        requireFraction("trainFraction", trainFraction, false);
        requireFraction("validFraction", validFraction, true);
        requireFraction("testFraction", testFraction, false);
        double sum = trainFraction + validFraction + testFraction;
        if (Math.abs(sum - 1.0) > 1e-9) {
            throw new UsageException("trainFraction + validFraction + testFraction must be 1, got "
                    + trainFraction + " + " + validFraction + " + " + testFraction + " = " + sum);
        }
        if (minInteractions < 2) {
            throw new UsageException("minInteractions must be >= 2 (one valid and one test row), got "
                    + minInteractions);
        }
        if (!Double.isFinite(popularityExponent) || popularityExponent < 0) {
            throw new UsageException("popularityExponent must be finite and >= 0, got " + popularityExponent);
        }
        if (textTopM < 1) {
            throw new UsageException("textTopM must be >= 1, got " + textTopM);
        }
        if (!(popularityShare >= 0 && popularityShare <= 1)) {
            throw new UsageException("popularityShare must be in [0, 1], got " + popularityShare);
        }
    }

    private static void requireFraction(String field, double v, boolean zeroAllowed) {
        if (!Double.isFinite(v) || v < 0 || v > 1 || (!zeroAllowed && v == 0)) {
            throw new UsageException(field + " must be in " + (zeroAllowed ? "[0, 1]" : "(0, 1]")
                    + ", got " + v);
        }
    }

    /** BDLM §4.1: leave-one-out, both tasks, 19 mixed negatives, 1:1 uniform CTR negatives. */
    public static SplitConfig defaults() {
        return new SplitConfig(Protocol.LOO, Task.BOTH, 19, SamplerKind.MIXED, SamplerKind.UNIFORM, 42L,
                0.8, 0.1, 0.1, 3, 1.0, 50, 0.5);
    }

    /** CoReLLa §4.1: global time split 80/10/10, CTR with the data's natural labels. */
    public static SplitConfig corella() {
        return defaults().withProtocol(Protocol.TIME).withTask(Task.CTR);
    }

    public SplitConfig withProtocol(Protocol p) {
        return with(b -> b.protocol = p);
    }

    public SplitConfig withTask(Task t) {
        return with(b -> b.task = t);
    }

    public SplitConfig withNegatives(int n) {
        return with(b -> b.negatives = n);
    }

    public SplitConfig withSampler(SamplerKind s) {
        return with(b -> b.sampler = s);
    }

    public SplitConfig withCtrSampler(SamplerKind s) {
        return with(b -> b.ctrSampler = s);
    }

    public SplitConfig withSeed(long s) {
        return with(b -> b.seed = s);
    }

    public SplitConfig withFractions(double train, double valid, double test) {
        return with(b -> {
            b.trainFraction = train;
            b.validFraction = valid;
            b.testFraction = test;
        });
    }

    public SplitConfig withMinInteractions(int m) {
        return with(b -> b.minInteractions = m);
    }

    public SplitConfig withPopularityExponent(double e) {
        return with(b -> b.popularityExponent = e);
    }

    public SplitConfig withTextTopM(int m) {
        return with(b -> b.textTopM = m);
    }

    public SplitConfig withPopularityShare(double share) {
        return with(b -> b.popularityShare = share);
    }

    /** A copy with the changes applied, validated again by the constructor. */
    private SplitConfig with(Consumer<Copy> change) {
        Copy b = new Copy(this);
        change.accept(b);
        return b.build();
    }

    /**
     * The components as mutable fields, so each {@code withX} names the one it changes instead
     * of repeating all thirteen constructor arguments in order.
     */
    private static final class Copy {
        Protocol protocol;
        Task task;
        int negatives;
        SamplerKind sampler;
        SamplerKind ctrSampler;
        long seed;
        double trainFraction;
        double validFraction;
        double testFraction;
        int minInteractions;
        double popularityExponent;
        int textTopM;
        double popularityShare;

        Copy(SplitConfig c) {
            protocol = c.protocol;
            task = c.task;
            negatives = c.negatives;
            sampler = c.sampler;
            ctrSampler = c.ctrSampler;
            seed = c.seed;
            trainFraction = c.trainFraction;
            validFraction = c.validFraction;
            testFraction = c.testFraction;
            minInteractions = c.minInteractions;
            popularityExponent = c.popularityExponent;
            textTopM = c.textTopM;
            popularityShare = c.popularityShare;
        }

        SplitConfig build() {
            return new SplitConfig(protocol, task, negatives, sampler, ctrSampler, seed, trainFraction,
                    validFraction, testFraction, minInteractions, popularityExponent, textTopM, popularityShare);
        }
    }

    /** Whether building this split needs item text embeddings. */
    public boolean needsText() {
        return (task.topK() && sampler.needsText()) || (task.ctr() && ctrSampler.needsText());
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String field, String s) {
        Objects.requireNonNull(s, field);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() > 0 ? "|" : "").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new UsageException(field + " must be one of " + allowed + ", got '" + s + "'");
    }
}
