package org.tandemrec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemrec.crm.CrmEvaluation;
import org.tandemrec.crm.Recommender;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.synthetic.SyntheticOracle;
import org.tandemrec.data.synthetic.SyntheticTruth;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.llm.pretrain.Pretrainer;
import org.tandemrec.prompt.BehaviourCorpus;
import org.tandemrec.split.SplitData;

/**
 * The stages {@code tandem demo} and {@code tandem run} share: scoring a trained CRM, the
 * synthetic world's oracle, the small LLM pre-trained on the training interactions every split
 * shares, and the one progress line per stage.
 */
final class PipelineStages {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineStages.class);
    /** CoReLLa's analysis: the CTR test set in terciles of each model's prediction entropy. */
    static final int CONFIDENCE_BUCKETS = 3;
    /** Context of the small LLM: BDLM's top-K prompt lists 20 candidates with their titles. */
    static final int LLM_CONTEXT = 384;

    private PipelineStages() {
    }

    /**
     * A trained CRM on its split's test sets: top-K over the candidate lists and the CTR (or
     * interaction) rows, the latter also by confidence bucket when its scores are probabilities.
     */
    static List<MetricRecord> scoreCrm(Recommender m, String name, SplitData split) {
        List<MetricRecord> out = new ArrayList<>(CrmEvaluation.topK(m::score, name, split));
        boolean probabilities = m.scoreKind() == Recommender.ScoreKind.PROBABILITY;
        out.addAll(CrmEvaluation.ctr(m::score, probabilities, name, split, CONFIDENCE_BUCKETS));
        return out;
    }

    /**
     * The generator's truth on a split's test sets, the ceiling any model can reach: the like
     * probability on the CTR task, and on top-K and interaction prediction the probability that
     * the user's next interaction is the item, after the last item before the test part.
     */
    static List<MetricRecord> oracle(SyntheticTruth truth, SplitData split) {
        SyntheticOracle oracle = SyntheticOracle.of(truth, split.users(), split.items());
        if (split.manifest().source().explicitLabels()) {
            return CrmEvaluation.evaluate(oracle::likeProbabilities, true, "oracle", split);
        }
        int[] previous = SyntheticOracle.lastItems(split.numUsers(), split.train(), split.valid());
        // Exposure probabilities are ranking scores: their size says nothing about a click.
        return CrmEvaluation.evaluate((us, is) -> oracle.exposureProbabilities(us, is, previous), false, "oracle", split);
    }

    /**
     * The interactions in the training parts of every split of one data set, with the labels of
     * the first labelled split (else the first's): a corpus of them holds no validation or test
     * interaction of any split, so one LLM serves the methods on each.
     */
    static Dataset sharedTraining(List<SplitData> splits) {
        SplitData base = splits.stream().filter(s -> s.manifest().source().explicitLabels()).findFirst()
                .orElse(splits.get(0));
        InteractionTable t = base.train();
        List<Set<String>> others = new ArrayList<>();
        for (SplitData s : splits) {
            if (s != base) {
                Set<String> keys = new HashSet<>();
                InteractionTable o = s.train();
                for (int r = 0; r < o.size(); r++) {
                    keys.add(o.user(r) + " " + o.item(r) + " " + o.timestamp(r));
                }
                others.add(keys);
            }
        }
        InteractionTable shared = t.filter(r -> {
            String key = t.user(r) + " " + t.item(r) + " " + t.timestamp(r);
            return others.stream().allMatch(k -> k.contains(key));
        });
        return base.trainDataset().withInteractions(shared);
    }

    /**
     * Pre-trains the small Llama-architecture model on the item texts and behaviour sentences of
     * {@code training} and saves it in Hugging Face layout at {@code out}; {@code resume}
     * continues an interrupted pre-training there. Returns the figures the run records.
     */
    static Map<String, String> pretrainLlm(PrintWriter w, Dataset training, Path out, PretrainConfig c, boolean resume)
            throws IOException {
        List<String> docs = new BehaviourCorpus(10).documents(training, LabelRule.atLeast(0.5f));
        Pretrainer.Result r = new Pretrainer(c).run(docs, out, resume, true);
        step(w, "small LLM: %,d parameters, %d steps in %.0f s (%.0f tokens/s)%s, loss %.3f -> %.3f, saved in HF layout",
                r.parameters(), r.steps(), r.seconds(), r.tokensPerSecond(),
                r.deadlineReached() ? " (time budget reached)" : "", r.firstLoss(), r.lastLoss());
        Map<String, String> m = new LinkedHashMap<>();
        m.put("llm parameters", Long.toString(r.parameters()));
        m.put("llm pretrain steps", Integer.toString(r.steps()));
        m.put("llm pretrain loss", String.format(Locale.ROOT, "%.3f -> %.3f", r.firstLoss(), r.lastLoss()));
        return m;
    }

    /** The headline figure of each task on all examples: HR@10 for top-K, AUC otherwise. */
    static String headline(List<MetricRecord> records) {
        StringBuilder sb = new StringBuilder();
        for (MetricRecord r : records) {
            if (!r.segment().equals(MetricRecord.ALL)) {
                continue;
            }
            Double v = r.task().equals("topk") ? r.metrics().get("hr@10") : r.metrics().get("auc");
            if (v != null) {
                sb.append(String.format(Locale.ROOT, "%s %s=%.4f  ", r.task(), r.task().equals("topk") ? "HR@10" : "AUC", v));
            }
        }
        return sb.toString().trim();
    }

    /** One progress line of a stage. */
    static void step(PrintWriter w, String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        w.println(line);
        w.flush();
        LOG.debug(line);
    }
}
