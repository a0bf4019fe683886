package org.tandemrec.bench;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.corella.Cascade;
import org.tandemrec.collab.corella.ClickExamples;
import org.tandemrec.collab.corella.EntropyRouter;
import org.tandemrec.collab.corella.JointTask;
import org.tandemrec.collab.corella.LayerAlignment;
import org.tandemrec.crm.ctr.CtrFeatures;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.DcnV2Config;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.llm.ChoiceScorer;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.train.Parameter;

/**
 * The figures of {@code tandem bench corella} on the demo-size LLM (seeded random weights) and a
 * default DCNv2, with prompts of CoReLLa's length (a 30-item rated history, ~320 tokens):
 * <ul>
 *   <li>stage 2's joint step (LLM + DCNv2 + alignment, one backward) against the LoRA step of the
 *       LLM alone on the same batch — the ratio the issue bounds at 1.15;</li>
 *   <li>the cascade's scoring of N requests at a routing budget against scoring all N with the
 *       LLM, and the LLM calls the cascade made per 1,000 requests.</li>
 * </ul>
 * Times are the fastest of the repetitions after a warm-up, measured in one run.
 */
public final class CorellaBenchmark {
    /** Sizes of a run. */
    public record Settings(int batch, int promptTokens, int steps, int requests, double budget, int users, int items,
                           long seed) {
        public Settings {
            for (int v : new int[] {batch, promptTokens, steps, requests, users, items}) {
                if (v <= 0) {
                    throw new UsageException("benchmark sizes must be > 0, got " + v);
                }
            }
            if (!(budget >= 0 && budget <= 1)) {
                throw new UsageException("budget must be in [0, 1], got " + budget);
            }
        }

        public static Settings full() {
            return new Settings(8, 320, 5, 400, 0.2, 2000, 1500, 1);
        }

        public static Settings quick() {
            return new Settings(2, 48, 2, 24, 0.25, 50, 40, 1);
        }
    }

    /** The measured figures. */
    public record Figures(double loraStepSeconds, double jointStepSeconds, double cascadeSeconds, double llmOnlySeconds,
                          double llmCallsPer1000, double routedShare) {
        public double jointOverLora() {
            return jointStepSeconds / loraStepSeconds;
        }

        public double cascadeSpeedup() {
            return llmOnlySeconds / cascadeSeconds;
        }
    }

    private CorellaBenchmark() {
    }

    public static Figures run(LlamaConfig config, Settings s) {
        SplittableRandom rnd = new SplittableRandom(s.seed());
        try (NDManager m = TensorDevice.newManager(); DecoderWeights w = DecoderWeights.random(config, s.seed(), 0.02f, m);
             LoraAdapter adapter = LoraAdapter.create(w, new LoraConfig(8, 16, 0.0, List.of("q_proj", "v_proj"), ""),
                     s.seed(), m)) {
            ClickExamples data = examples(s, rnd);
            List<SftSequence> seqs = new ArrayList<>();
            for (int k = 0; k < data.size(); k++) {
                seqs.add(sequence(config, s, data, k));
            }
            DcnV2 crm = dcnV2(s, data);
            List<Parameter> lora = CausalLmGradients.loraParameters(adapter);
            SftTask alone = new SftTask(w, adapter, lora, seqs, s.batch(), m);
            LayerAlignment align = new LayerAlignment(LayerAlignment.evenlySpaced(config.numLayers(),
                    crm.config().crossLayers()), config.hiddenSize(), crm.features().numFields() * crm.config().embeddingDim(),
                    64, 2, true, s.seed());
            JointTask joint = new JointTask(w, adapter, crm, align, data, seqs, new JointTask.Weights(1, 1, 0.1), 1);
            int[] batch = new int[s.batch()];
            for (int k = 0; k < batch.length; k++) {
                batch[k] = k;
            }
            double lora1 = Double.POSITIVE_INFINITY;
            double joint1 = Double.POSITIVE_INFINITY;
            for (int rep = 0; rep < s.steps() + 1; rep++) {
                // Interleaved, so both see the same machine state; the first of each is a warm-up.
                double a = time(() -> alone.trainBatch(batch, 0, new SplittableRandom(1)));
                double b = time(() -> joint.trainBatch(batch, 0, new SplittableRandom(1)));
                for (Parameter p : joint.parameters().list()) {
                    p.zeroGrad();
                }
                if (rep > 0) {
                    lora1 = Math.min(lora1, a);
                    joint1 = Math.min(joint1, b);
                }
            }

            ChoiceScorer scorer = new ChoiceScorer(new Decoder(w, adapter), 0);
            int yes = 3;
            int no = 4;
            Cascade.Scorer llm = e -> {
                float[] out = new float[e.size()];
                for (int from = 0; from < e.size(); from += 16) {
                    int to = Math.min(e.size(), from + 16);
                    int[][] ids = new int[to - from][];
                    for (int k = from; k < to; k++) {
                        ids[k - from] = prompt(config, s, e.users()[k], e.items()[k]);
                    }
                    System.arraycopy(scorer.yesProbability(m, ids, yes, no), 0, out, from, to - from);
                }
                return out;
            };
            Cascade.Scorer dcn = e -> crm.scoreExamples(e.users(), e.items(), e.histories());
            ClickExamples requests = data.select(java.util.stream.IntStream.range(0, s.requests()).toArray());
            EntropyRouter router = EntropyRouter.forBudget(dcn.score(requests), s.budget());
            Cascade cascade = new Cascade(dcn, llm, router);
            llm.score(requests.select(new int[] {0}));
            double llmOnly = Double.POSITIVE_INFINITY;
            double cascaded = Double.POSITIVE_INFINITY;
            int calls = 0;
            for (int rep = 0; rep < 2; rep++) {
                llmOnly = Math.min(llmOnly, time(() -> llm.score(requests)));
                long t0 = System.nanoTime();
                calls = cascade.score(requests).llmCalls();
                cascaded = Math.min(cascaded, (System.nanoTime() - t0) / 1e9);
            }
            return new Figures(lora1, joint1, cascaded, llmOnly, 1000.0 * calls / requests.size(),
                    (double) calls / requests.size());
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Requests with random users, items and 30-item histories (enough rows for the batch and the requests). */
    private static ClickExamples examples(Settings s, SplittableRandom rnd) {
        int n = Math.max(s.batch(), s.requests());
        int[] us = new int[n];
        int[] is = new int[n];
        int[][] hs = new int[n][];
        float[][] rs = new float[n][];
        float[] ys = new float[n];
        for (int k = 0; k < n; k++) {
            us[k] = rnd.nextInt(s.users());
            is[k] = rnd.nextInt(s.items());
            hs[k] = new int[30];
            rs[k] = new float[30];
            for (int j = 0; j < 30; j++) {
                hs[k][j] = rnd.nextInt(s.items());
                rs[k][j] = 1 + rnd.nextInt(5);
            }
            ys[k] = rnd.nextBoolean() ? 1 : 0;
        }
        return new ClickExamples(us, is, hs, rs, ys);
    }

    private static DcnV2 dcnV2(Settings s, ClickExamples data) {
        List<ItemInfo> items = new ArrayList<>();
        for (int i = 0; i < s.items(); i++) {
            items.add(new ItemInfo("item " + i, List.of("c" + (i % 20)), ""));
        }
        List<UserProfile> users = new ArrayList<>();
        for (int u = 0; u < s.users(); u++) {
            users.add(UserProfile.EMPTY);
        }
        CtrFeatures f = CtrFeatures.encode(s.users(), s.items(), items, users);
        int[][] hist = new int[s.users()][0];
        return DcnV2.initial(f, hist, DcnV2Config.defaults(), s.seed());
    }

    /** A request's prompt: seeded token ids of CoReLLa's prompt length (a tokenizer's work is not timed). */
    private static int[] prompt(LlamaConfig c, Settings s, int user, int item) {
        SplittableRandom r = new SplittableRandom(((long) user << 32) ^ item);
        int[] ids = new int[s.promptTokens()];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = 5 + r.nextInt(c.vocabSize() - 5);
        }
        return ids;
    }

    private static SftSequence sequence(LlamaConfig c, Settings s, ClickExamples e, int k) {
        int[] p = prompt(c, s, e.users()[k], e.items()[k]);
        int[] ids = Arrays.copyOf(p, p.length + 1);
        ids[p.length] = e.labels()[k] == 1f ? 3 : 4;
        int[] labels = new int[ids.length];
        Arrays.fill(labels, SftSequence.IGNORE);
        labels[p.length] = ids[p.length];
        return new SftSequence(ids, labels);
    }
}
