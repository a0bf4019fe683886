package org.tandemrec.collab.bdlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainingTask;

/**
 * BDLM's joint learning (§4.3, Eqs. 7–9) as one run of the shared trainer: the LLM and the
 * feature-enhanced CRM take turns, each round an LLM turn (one pass over its fine-tuning
 * examples, {@code L_llm + λ·MSE(E_llm, M)} on the ID-token rows of the batch's users and
 * items) then a CRM turn (one pass over its labelled pairs, {@code L_drs + λ·MSE(e_drs, M)}),
 * each updating its own parameters and the sharing module M ({@link #trainedAt}). At the start
 * of a CRM turn the pairs get their features from the LLM as it is then.
 *
 * <p>One trainer "example" is one optimiser step of this schedule (run it with batch size 1 and
 * one epoch); a step's mini-batch is drawn from its side's own permutation for that round, a
 * pure function of the seed and the step, so a resumed run replays the uninterrupted one (the
 * features of an interrupted CRM turn are recomputed from the same LLM).
 */
public final class MutualLearning implements TrainingTask {
    /** Step-log kinds of the two sides' task losses, and the suffix of their λ·MSE terms. */
    public static final String LLM_LOSS = "llm";
    public static final String CRM_LOSS = "crm";
    public static final String MUTUAL_SUFFIX = "_mutual";

    private final SftTask llm;
    private final List<BdlmExample> llmExamples;
    private final int[] llmLengths;
    private final Parameter idRows;
    private final int idRowOffset;
    private final int numUsers;
    private final FeatureEnhancedCrm drs;
    private final DrsPairs pairs;
    private final BdlmLanguageModel featureSource;
    private final SharingModule share;
    private final double lambda;
    private final int llmBatch;
    private final int drsBatch;
    private final int llmSteps;
    private final int drsSteps;
    private final int rounds;
    private final long seed;
    private final double drsRateScale;
    private final NDManager manager;
    private final ParameterSet parameters;
    private final Set<Parameter> llmSide;
    private final Set<Parameter> drsSide;
    private DrsExamples featured;
    private int featuredRound = -1;
    private double lastLlmLoss = Double.NaN;
    private double lastDrsLoss = Double.NaN;
    private StepLog lossLog;
    private long llmTaskNanos;
    private long crmTaskNanos;
    private long firstFeaturesNanos;
    private long refreshNanos;
    private long couplingNanos;

    /**
     * Where this process's steps spent their time, in seconds: the two sides' task steps (forward,
     * backward; the optimiser's update runs in the trainer and is not in here), the CRM pairs'
     * first LLM features, and what only joint learning adds — the λ·MSE pulls towards M with
     * their gradients and the features recomputed at every later CRM turn. Training the sides
     * separately for the same steps costs the first three (and their updates); {@link
     * #couplingSeconds()} is the difference.
     */
    public record Timing(double llmTaskSeconds, double crmTaskSeconds, double firstFeaturesSeconds,
                         double pullSeconds, double refreshSeconds) {
        /** What joint learning adds to the two sides trained separately. */
        public double couplingSeconds() {
            return pullSeconds + refreshSeconds;
        }

        /**
         * The added time as a share of the rest of {@code wallSeconds} (the whole training's wall
         * time, updates included): 0.15 means joint learning took 15 % longer than the two sides
         * trained separately for the same steps would.
         */
        public double overhead(double wallSeconds) {
            double separate = wallSeconds - couplingSeconds();
            return separate > 0 ? couplingSeconds() / separate : Double.NaN;
        }
    }

    /**
     * @param llm           the LLM's fine-tuning task over sequences in the order of {@code llmExamples}
     * @param llmLengths    the tokens of each of those sequences (batches group similar lengths)
     * @param idRows        the trained row-sparse tensor parameter holding the ID-token rows (null: text-only prompts)
     * @param idRowOffset   the row of {@code <uid_0>} within {@code idRows}' trainable rows
     * @param featureSource the LLM as scorer (reading the same weights the task trains)
     * @param drsRateScale  the CRM side's (and M's) learning rate over the LLM's
     */
    public MutualLearning(SftTask llm, List<BdlmExample> llmExamples, int[] llmLengths, Parameter idRows, int idRowOffset, int numUsers,
                          FeatureEnhancedCrm drs, DrsPairs pairs, BdlmLanguageModel featureSource, SharingModule share,
                          double lambda, int llmBatch, int drsBatch, int rounds, double drsRateScale, long seed,
                          NDManager manager) {
        if (llmExamples.size() != llm.numExamples()) {
            throw new IllegalArgumentException(llmExamples.size() + " examples for " + llm.numExamples() + " sequences");
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new UsageException("lambda must be >= 0 and finite, got " + lambda);
        }
        if (rounds <= 0 || llmBatch <= 0 || drsBatch <= 0) {
            throw new UsageException("rounds and batch sizes must be > 0, got " + rounds + ", " + llmBatch + ", "
                    + drsBatch);
        }
        if (pairs.size() == 0) {
            throw new UsageException("the CRM side has no labelled pairs");
        }
        if (share.dim() != drs.dim()) {
            throw new IllegalArgumentException("the sharing module has " + share.dim() + " dimensions, the CRM " + drs.dim());
        }
        if (idRows != null && idRows.kind() != Parameter.Kind.ROW_SPARSE_TENSOR) {
            throw new IllegalArgumentException("idRows must be a row-sparse tensor parameter, got " + idRows.name() + " ("
                    + idRows.kind() + ")");
        }
        if (idRows != null && idRows.cols() != share.dim()) {
            throw new IllegalArgumentException("the sharing module has " + share.dim() + " dimensions, the ID rows "
                    + idRows.cols());
        }
        if (llmLengths.length != llmExamples.size()) {
            throw new IllegalArgumentException(llmLengths.length + " lengths for " + llmExamples.size() + " examples");
        }
        this.llm = llm;
        this.llmExamples = List.copyOf(llmExamples);
        this.llmLengths = llmLengths.clone();
        this.idRows = idRows;
        this.idRowOffset = idRowOffset;
        this.numUsers = numUsers;
        this.drs = drs;
        this.pairs = pairs;
        this.featureSource = featureSource;
        this.share = share;
        this.lambda = lambda;
        this.llmBatch = llmBatch;
        this.drsBatch = drsBatch;
        this.llmSteps = (llm.numExamples() + llmBatch - 1) / llmBatch;
        this.drsSteps = (pairs.size() + drsBatch - 1) / drsBatch;
        this.rounds = rounds;
        this.seed = seed;
        this.drsRateScale = drsRateScale;
        this.manager = manager;
        List<Parameter> all = new ArrayList<>(llm.parameters().list());
        all.addAll(drs.parameters().list());
        all.add(share.users());
        all.add(share.items());
        this.parameters = new ParameterSet(all);
        this.llmSide = new HashSet<>(llm.parameters().list());
        llmSide.add(share.users());
        llmSide.add(share.items());
        this.drsSide = new HashSet<>(drs.parameters().list());
        drsSide.add(share.users());
        drsSide.add(share.items());
    }

    /** Optimiser steps of the whole schedule: rounds × (LLM steps + CRM steps). */
    public int totalSteps() {
        return rounds * (llmSteps + drsSteps);
    }

    @Override
    public String modelName() {
        return "bdlm-mutual";
    }

    @Override
    public String configFingerprint() {
        return String.format(Locale.ROOT, "%s\n%s\nlambda=%s rounds=%d llmBatch=%d drsBatch=%d pairs=%d drsScale=%s seed=%d",
                llm.configFingerprint(), drs.parameters().list().size(), lambda, rounds, llmBatch, drsBatch, pairs.size(),
                drsRateScale, seed);
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public int numExamples() {
        return totalSteps();
    }

    private boolean llmTurn(long step) {
        return step % (llmSteps + drsSteps) < llmSteps;
    }

    @Override
    public Set<Parameter> trainedAt(long step) {
        return llmTurn(step) ? llmSide : drsSide;
    }

    @Override
    public double learningRateScale(Parameter p) {
        return llmSide.contains(p) && !drsSide.contains(p) ? 1 : drsRateScale;
    }

    /** Where the steps taken in this process spent their time. */
    public Timing timing() {
        return new Timing(llmTaskNanos / 1e9, crmTaskNanos / 1e9, firstFeaturesNanos / 1e9, couplingNanos / 1e9,
                refreshNanos / 1e9);
    }

    /** The loss of the last LLM step and of the last CRM step (NaN before the first of each). */
    public double[] lastLosses() {
        return new double[] {lastLlmLoss, lastDrsLoss};
    }

    @Override
    public double trainBatch(int[] ignored, long step, SplittableRandom random) {
        int round = (int) (step / (llmSteps + drsSteps));
        int offset = (int) (step % (llmSteps + drsSteps));
        if (offset < llmSteps) {
            int[] batch = slice(llmOrder(round), offset, llmBatch);
            long t0 = System.nanoTime();
            double task = llm.trainBatch(batch, step, random);
            long t1 = System.nanoTime();
            double pull = llmPull(batch);
            llmTaskNanos += t1 - t0;
            couplingNanos += lambda > 0 ? System.nanoTime() - t1 : 0;
            log(LLM_LOSS, step, task, pull);
            lastLlmLoss = task + pull;
            return lastLlmLoss;
        }
        if (featuredRound != round) {
            long t0 = System.nanoTime();
            int[] users = pairs.users();
            featured = pairs.withFeatures(featureSource.interactions(manager, users, pairs.items(), pairs.histories(), true)
                    .features());
            // Trained separately, the CRM would read the LLM's features once: only later rounds are joint learning's cost.
            if (round == 0) {
                firstFeaturesNanos += System.nanoTime() - t0;
            } else {
                refreshNanos += System.nanoTime() - t0;
            }
            featuredRound = round;
        }
        int[] batch = slice(permutation(pairs.size(), round, 2), offset - llmSteps, drsBatch);
        long t0 = System.nanoTime();
        double task = drs.accumulateGradients(featured, batch);
        long t1 = System.nanoTime();
        double pull = drsPull(batch);
        crmTaskNanos += t1 - t0;
        couplingNanos += lambda > 0 ? System.nanoTime() - t1 : 0;
        log(CRM_LOSS, step, task, pull);
        lastDrsLoss = task + pull;
        return lastDrsLoss;
    }

    private void log(String kind, long step, double task, double pull) {
        if (lossLog != null) {
            lossLog.append(kind, step, task);
            lossLog.append(kind + MUTUAL_SUFFIX, step, pull);
        }
    }

    /**
     * Appends every step's task loss (kind {@value #LLM_LOSS} or {@value #CRM_LOSS}, indexed by
     * global step) and its λ·MSE term (the kind followed by {@value #MUTUAL_SUFFIX}) to {@code
     * log}, which outlives a resumption; null stops logging.
     */
    public void setLossLog(StepLog log) {
        this.lossLog = log;
    }

    /** λ·MSE between the LLM's ID-token rows of the batch's users and items and M's, with its gradient. */
    private double llmPull(int[] batch) {
        if (idRows == null || lambda == 0) {
            return 0;
        }
        Set<Integer> users = new LinkedHashSet<>();
        Set<Integer> items = new LinkedHashSet<>();
        for (int k : batch) {
            BdlmExample e = llmExamples.get(k);
            users.add(e.user());
            items.add(e.target());
            for (int c : e.candidates()) {
                items.add(c);
            }
        }
        int[] us = users.stream().mapToInt(Integer::intValue).toArray();
        int[] is = items.stream().mapToInt(Integer::intValue).toArray();
        long[] rows = new long[us.length + is.length];
        for (int k = 0; k < us.length; k++) {
            rows[k] = idRowOffset + us[k];
        }
        for (int k = 0; k < is.length; k++) {
            rows[us.length + k] = idRowOffset + numUsers + is[k];
        }
        int h = share.dim();
        try (NDManager m = manager.newSubManager()) {
            long[] tensorRows = new long[rows.length];
            for (int k = 0; k < rows.length; k++) {
                tensorRows[k] = rows[k] + idRows.firstRow();
            }
            NDArray picked = idRows.tensor().get(new NDIndex("{}", m.create(tensorRows)));
            picked.attach(m);
            float[] values = picked.toFloatArray();
            float[][] uVals = new float[us.length][];
            float[][] iVals = new float[is.length][];
            for (int k = 0; k < rows.length; k++) {
                float[] row = java.util.Arrays.copyOfRange(values, k * h, (k + 1) * h);
                if (k < us.length) {
                    uVals[k] = row;
                } else {
                    iVals[k - us.length] = row;
                }
            }
            float[][] uGrad = new float[us.length][h];
            float[][] iGrad = new float[is.length][h];
            double loss = SharingModule.pull(share.users(), us, uVals, uGrad, lambda)
                    + SharingModule.pull(share.items(), is, iVals, iGrad, lambda);
            // Into the rows' own gradient slots: the step's ID rows stay row-sparse.
            for (int k = 0; k < rows.length; k++) {
                idRows.addRowGrad(Math.toIntExact(rows[k]), k < us.length ? uGrad[k] : iGrad[k - us.length], 0, 1f);
            }
            return loss;
        }
    }

    /** λ·MSE between the CRM's representations of the batch's users and items and M's, with its gradient. */
    private double drsPull(int[] batch) {
        if (lambda == 0) {
            return 0;
        }
        Set<Integer> users = new LinkedHashSet<>();
        Set<Integer> items = new LinkedHashSet<>();
        for (int k : batch) {
            users.add(pairs.users()[k]);
            items.add(pairs.items()[k]);
        }
        return pullTable(drs.parameters().get(FeatureEnhancedCrm.USERS), share.users(), users)
                + pullTable(drs.parameters().get(FeatureEnhancedCrm.ITEMS), share.items(), items);
    }

    private double pullTable(Parameter own, Parameter m, Set<Integer> ids) {
        int[] rows = ids.stream().mapToInt(Integer::intValue).toArray();
        int d = own.cols();
        float[][] values = new float[rows.length][];
        float[][] grads = new float[rows.length][d];
        for (int k = 0; k < rows.length; k++) {
            values[k] = java.util.Arrays.copyOfRange(own.value(), rows[k] * d, (rows[k] + 1) * d);
        }
        double loss = SharingModule.pull(m, rows, values, grads, lambda);
        for (int k = 0; k < rows.length; k++) {
            own.addRowGrad(rows[k], grads[k], 0, 1f);
        }
        return loss;
    }

    /**
     * The LLM's examples in a round: shuffled, then sorted by length within windows of 32 batches
     * and cut into batches whose order is shuffled again — each batch pads little (a top-K prompt
     * is several times an interaction prompt), and the order still changes every round.
     */
    private int[] llmOrder(int round) {
        int[] p = permutation(llmLengths.length, round, 1);
        int window = 32 * llmBatch;
        Integer[] boxed = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            boxed[i] = p[i];
        }
        for (int from = 0; from < boxed.length; from += window) {
            java.util.Arrays.sort(boxed, from, Math.min(boxed.length, from + window),
                    java.util.Comparator.comparingInt(i -> llmLengths[i]));
        }
        int batches = (boxed.length + llmBatch - 1) / llmBatch;
        int[] batchOrder = permutation(batches, round, 3);
        int[] out = new int[boxed.length];
        int at = 0;
        for (int b : batchOrder) {
            for (int k = b * llmBatch; k < Math.min(boxed.length, (b + 1) * llmBatch); k++) {
                out[at++] = boxed[k];
            }
        }
        return out;
    }

    /** A permutation of 0..n-1 for one side in one round (stream {@code side}). */
    private int[] permutation(int n, int round, int side) {
        SplittableRandom r = new SplittableRandom(seed * 31 + round * 7919L + side);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] slice(int[] order, int step, int size) {
        int from = step * size;
        return java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + size));
    }
}
