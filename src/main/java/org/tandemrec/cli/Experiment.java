package org.tandemrec.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tandemrec.collab.bdlm.BdlmSettings;
import org.tandemrec.collab.corella.CorellaSettings;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.data.KCoreFilter;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.format.LoadOptions;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.split.SplitConfig;

/**
 * One experiment of {@code tandem run}, validated whole by {@link ExperimentFile}: the data set,
 * its filter, the named splits, the LLM when a model needs one, and the models in the order they
 * run. {@code resolved} is the same experiment with every default written out, itself a valid
 * experiment file.
 *
 * @param name     the run's name (records and report)
 * @param seed     the one seed of the world, the splits, the LLM and every model that sets none
 * @param seeds    the models' seeds when each model runs once per seed (empty: once, with its own)
 * @param dataset  where the interactions come from
 * @param kcore    the K-core kept before splitting, or null
 * @param splits   split name → how it is made, in file order
 * @param llm      the LLM of the methods, or null when no model needs one
 * @param models   what is trained and scored, in order
 * @param resolved every setting, defaults included
 */
record Experiment(String name, long seed, List<Long> seeds, Source dataset, KCoreFilter kcore, Map<String, Split> splits, Llm llm,
                  List<Model> models, ObjectNode resolved) {

    /**
     * A data set: the synthetic world ({@code synthetic} set, {@code path} null) or a file or
     * directory in one of the loaders' formats.
     */
    record Source(String format, Path path, SyntheticConfig synthetic, LoadOptions options) {
        boolean isSynthetic() {
            return synthetic != null;
        }
    }

    /** A split directory to make: its settings and the label rule its values come from. */
    record Split(String name, SplitConfig config, LabelRule labelRule) {
    }

    /** The LLM: a Hugging Face directory ({@code path}) or the small model pre-trained in the run. */
    record Llm(Path path, PretrainConfig pretrain) {
    }

    /** What a model entry runs. */
    enum Kind {
        /** a conventional model of the catalogue */
        CRM,
        /** BDLM and its comparison (LLM-Rec, GPT4SM, InstructRec) */
        BDLM,
        /** CoReLLa and its comparison (TALLRec) */
        CORELLA,
        /** the synthetic world's ground truth */
        ORACLE
    }

    /**
     * A model entry: {@code id} names its records, {@code dir} its directory under {@code
     * models/} ({@code ID}, or {@code ID/seed-S} when the experiment lists seeds, {@code seed}
     * then S, else null), {@code name} what it is; exactly the settings of its kind are set.
     */
    record Model(String id, String dir, Long seed, String name, Kind kind, String split, CrmSpec crm, BdlmSettings bdlm,
                 CorellaSettings corella) {
    }

    /** Whether a model needs the LLM. */
    boolean needsLlm() {
        return models.stream().anyMatch(m -> m.kind() == Kind.BDLM || m.kind() == Kind.CORELLA);
    }
}
