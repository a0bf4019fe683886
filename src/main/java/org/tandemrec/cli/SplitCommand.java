package org.tandemrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.KCoreFilter;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;
import org.tandemrec.split.TrainPart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tandem split}: loads a data set, filters and labels it, splits it and draws the fixed,
 * seeded evaluation candidates into a split directory every model is then scored on.
 */
@Command(name = "split", mixinStandardHelpOptions = true,
        description = {"Split a data set (leave-one-out, global time or random) and write fixed, seeded "
                + "CTR sets and top-K candidate lists into SPLITDIR.",
            "With --format split, PATH is a split directory and its training part is split, users and items "
                + "indexed as there: a model tuned on the new split (BDLM's ID tokens) means the same users and "
                + "items on the old one, and has seen none of its validation or test rows."})
public final class SplitCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataSourceOptions source;

    @Option(names = "--out", required = true, paramLabel = "SPLITDIR", description = "output split directory")
    Path out;

    @Option(names = "--protocol", defaultValue = "loo", paramLabel = "P",
            description = "loo (leave-one-out by time), time (global 80/10/10 by timestamp) or random")
    String protocol;

    @Option(names = "--task", defaultValue = "both", paramLabel = "T", description = "ctr, topk or both")
    String task;

    @Option(names = "--negatives", defaultValue = "19", paramLabel = "N",
            description = "negatives per top-K candidate list (19 as BDLM, 99 for the NCF protocol)")
    int negatives;

    @Option(names = "--sampler", defaultValue = "mixed", paramLabel = "S",
            description = "top-K negatives: uniform, popularity, text or mixed (popularity + text, as BDLM)")
    String sampler;

    @Option(names = "--ctr-sampler", defaultValue = "uniform", paramLabel = "S",
            description = "1:1 CTR negatives of implicit data: uniform, popularity, text or mixed")
    String ctrSampler;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED", description = "random seed")
    long seed;

    @Mixin
    FilterAndLabelOptions filter;

    @Option(names = {"--fractions"}, defaultValue = "0.8,0.1,0.1", split = ",", paramLabel = "TRAIN,VALID,TEST",
            description = "time and random split fractions")
    double[] fractions;

    @Override
    public Integer call() throws Exception {
        LabelRule rule = filter.labelRule();
        if (fractions.length != 3) {
            throw new UsageException("--fractions needs three values, got " + fractions.length);
        }
        SplitConfig config = SplitConfig.defaults()
                .withProtocol(SplitConfig.Protocol.parse(protocol))
                .withTask(SplitConfig.Task.parse(task))
                .withNegatives(negatives)
                .withSampler(SplitConfig.SamplerKind.parse(sampler))
                .withCtrSampler(SplitConfig.SamplerKind.parse(ctrSampler))
                .withFractions(fractions[0], fractions[1], fractions[2])
                .withSeed(seed);
        boolean trainPart = source.format.equals(TRAIN_PART_FORMAT);
        Dataset d = trainPart ? trainPart() : source.load().dataset();
        List<String> filters = new ArrayList<>();
        KCoreFilter kcore = filter.kcoreFilter();
        if (kcore != null && trainPart) {
            throw new UsageException("--kcore would drop users or items and change the indices --format split keeps; "
                    + "filter when making the first split");
        }
        if (kcore != null) {
            d = kcore.apply(d);
            filters.add(kcore.toString());
        }
        InteractionTable ratings = d.interactions();
        if (!rule.implicit()) {
            d = d.withInteractions(rule.apply(d.interactions()));
        }
        SplitSource src = new SplitSource(d.name(), source.path.toString(), source.format, filters, rule);
        SplitData data = rule.implicit() ? SplitPlan.run(d, src, config, out) : SplitPlan.run(d, src, config, out, ratings);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %s: train %d, valid %d, test %d rows; %d top-K test lists; %d CTR test rows%n",
                out, data.train().size(), data.valid().size(), data.test().size(), data.testCandidates().size(),
                data.ctrTest().size());
        w.flush();
        return 0;
    }

    /** {@code --format split}: a split directory's training part, read as a data set. */
    static final String TRAIN_PART_FORMAT = "split";

    private Dataset trainPart() throws java.io.IOException {
        SplitData first = SplitDirectory.read(source.path);
        return TrainPart.of(first, first.manifest().source().name() + " (training part of " + source.path + ")");
    }
}
