package org.tandemrec.collab.corella;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainingTask;

/**
 * CoReLLa's stage 2 (arXiv 2403.16378 §3.3) as a task of the shared trainer: on each batch of
 * click examples, {@code α·L_llm + β·L_crm + γ·L_cal} — the LLM's answer-token cross-entropy, the
 * DCNv2's binary cross-entropy and the {@link LayerAlignment} loss — in one graph through both
 * models, so one backward pass gives the LoRA matrices, the DCNv2 and the projection heads their
 * gradients. Dropout masks come from the trainer's per-step stream (resumable).
 */
public final class JointTask implements TrainingTask {
    /** The three terms' weights: α (LLM), β (CRM), γ (alignment). */
    public record Weights(double alpha, double beta, double gamma) {
        public Weights {
            for (double w : new double[] {alpha, beta, gamma}) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new UsageException("alpha, beta and gamma must be >= 0 and finite, got " + alpha + ", "
                            + beta + ", " + gamma);
                }
            }
        }
    }

    /** Step-log kinds of the three terms. */
    public static final String LLM_LOSS = "L_llm";
    public static final String CRM_LOSS = "L_crm";
    public static final String ALIGN_LOSS = "L_cal";

    private final Decoder decoder;
    private final LoraAdapter adapter;
    private final List<Parameter> lora;
    private final DcnV2 crm;
    private final LayerAlignment alignment;
    private final ClickExamples data;
    private final List<SftSequence> sequences;
    private final Weights weights;
    private final int padId;
    private final double crmRateScale;
    private final ParameterSet parameters;
    private final Set<Parameter> crmSide;
    private final String fingerprint;
    private double[] lastTerms = {Double.NaN, Double.NaN, Double.NaN};
    private StepLog lossLog;

    /**
     * @param crm          the DCNv2 that trains (a {@link DcnV2#copy()}: its parameters change)
     * @param sequences    the examples' fine-tuning sequences, in the order of {@code data}
     * @param crmRateScale the DCNv2's learning rate over the LLM's
     */
    public JointTask(DecoderWeights llmWeights, LoraAdapter adapter, DcnV2 crm, LayerAlignment alignment,
                     ClickExamples data, List<SftSequence> sequences, Weights weights, double crmRateScale) {
        if (sequences.size() != data.size()) {
            throw new IllegalArgumentException(sequences.size() + " sequences for " + data.size() + " examples");
        }
        if (data.size() == 0) {
            throw new UsageException("stage 2 has no examples");
        }
        if (!(crmRateScale > 0) || Double.isInfinite(crmRateScale)) {
            throw new UsageException("crmRateScale must be > 0 and finite, got " + crmRateScale);
        }
        this.decoder = new Decoder(llmWeights, adapter, true);
        this.adapter = adapter;
        this.lora = CausalLmGradients.loraParameters(adapter);
        this.crm = crm;
        this.alignment = alignment;
        this.data = data;
        this.sequences = List.copyOf(sequences);
        this.weights = weights;
        var c = llmWeights.config();
        this.padId = c.batchPadId();
        this.crmRateScale = crmRateScale;
        List<Parameter> all = new ArrayList<>(lora);
        all.addAll(crm.parameters().list());
        all.addAll(alignment.parameters());
        this.parameters = new ParameterSet(all);
        this.crmSide = new HashSet<>(crm.parameters().list());
        this.fingerprint = String.format(Locale.ROOT, "corella-joint %s %s pairs=%s normalized=%s %s n=%d", c,
                adapter.config().withBaseModel(""), alignment.pairs(), alignment.normalized(), weights, data.size());
    }

    @Override
    public String modelName() {
        return "corella-stage2";
    }

    @Override
    public String configFingerprint() {
        return fingerprint;
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public int numExamples() {
        return data.size();
    }

    @Override
    public double learningRateScale(Parameter p) {
        return crmSide.contains(p) ? crmRateScale : 1;
    }

    /** Appends every step's three terms to {@code log} (kinds {@link #LLM_LOSS} …), which outlives a resumption. */
    public void setLossLog(StepLog log) {
        this.lossLog = log;
    }

    /** The last step's three terms: L_llm, L_crm, L_cal. */
    public double[] lastTerms() {
        return lastTerms.clone();
    }

    @Override
    public double trainBatch(int[] batch, long step, SplittableRandom random) {
        if (adapter.config().dropout() > 0) {
            Engine.getInstance().setRandomSeed(random.nextInt());
        }
        int b = batch.length;
        int[] us = new int[b];
        int[] is = new int[b];
        int[][] hs = new int[b][];
        float[] ys = new float[b];
        List<SftSequence> rows = new ArrayList<>(b);
        for (int k = 0; k < b; k++) {
            int e = batch[k];
            us[k] = data.users()[e];
            is[k] = data.items()[e];
            hs[k] = data.histories()[e];
            ys[k] = data.labels()[e];
            rows.add(sequences.get(e));
        }
        TrainBatch tb = SftSequence.leftPadded(rows, padId);
        int t = tb.ids()[0].length;
        for (Parameter p : lora) {
            p.tensor().setRequiresGradient(true);
        }
        try (AutogradStep s = AutogradStep.training()) {
            Map<String, NDArray> crmOut = crm.forward(s, us, is, hs);
            NDArray lossCrm = TensorFunctions.bceWithLogits(crmOut.get("logit").reshape(b), s.constant(ys, new Shape(b)));
            DecoderOutput o = decoder.forward(s.manager(), tb.ids(), tb.mask(), tb.positions(), null, weights.gamma() > 0);
            NDArray lossLlm = Decoder.causalLmLoss(s.manager(), o.logits(), tb.labels());
            NDArray total = lossLlm.mul(s.scalar((float) weights.alpha())).add(lossCrm.mul(s.scalar((float) weights.beta())));
            double cal = 0;
            if (weights.gamma() > 0) {
                // Every sequence ends with its one answer token: the last prompt token is at T − 2.
                NDArray lossCal = alignment.loss(s, o.hiddenStates(), t - 2, crmOut);
                cal = lossCal.getFloat();
                total = total.add(lossCal.mul(s.scalar((float) weights.gamma())));
            }
            lastTerms = new double[] {lossLlm.getFloat(), lossCrm.getFloat(), cal};
            if (lossLog != null) {
                lossLog.append(LLM_LOSS, step, lastTerms[0]);
                lossLog.append(CRM_LOSS, step, lastTerms[1]);
                lossLog.append(ALIGN_LOSS, step, lastTerms[2]);
            }
            double value = s.backward(total);
            for (Parameter p : lora) {
                NDArray grad = p.tensor().getGradient();
                p.addGrad(grad.duplicate());
                grad.set(new NDIndex("..."), 0f);
                grad.attach(s.manager());
            }
            return value;
        } finally {
            for (Parameter p : lora) {
                p.tensor().setRequiresGradient(false);
            }
        }
    }
}
