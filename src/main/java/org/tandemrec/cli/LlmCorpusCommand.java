package org.tandemrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.LabelRule;
import org.tandemrec.prompt.BehaviourCorpus;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem llm corpus}: writes the pre-training corpus (item texts and behaviour sentences)
 * of a data set, or of a split's training part only ({@code --data}), so that an LLM pre-trained
 * on it has seen no validation or test interaction.
 */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = "Write a pre-training corpus for 'tandem llm pretrain': one line per item text and per user "
                + "behaviour sentence, from a data set or from a split's training part (--data).")
public final class LlmCorpusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    /** A data set as it is, or the training part of a split. */
    static final class Input {
        @Option(names = "--data", paramLabel = "SPLITDIR",
                description = "a split directory: the corpus of its training part only (what an LLM may see before it"
                        + " is scored on that split)")
        Path split;

        @ArgGroup(exclusive = false)
        DataSourceOptions source;
    }

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "corpus file (UTF-8, one document per line)")
    Path out;

    @Option(names = "--label-rule", defaultValue = ">=4", paramLabel = "RULE",
            description = "what counts as liked: '>=T' or 'implicit' (no liked sentences); default ${DEFAULT-VALUE};"
                    + " with --data the split's own labels")
    String labelRule;

    @Option(names = "--items-per-sentence", defaultValue = "10", paramLabel = "N",
            description = "history items per behaviour sentence (default ${DEFAULT-VALUE})")
    int itemsPerSentence;

    @Override
    public Integer call() throws Exception {
        BehaviourCorpus corpus = new BehaviourCorpus(itemsPerSentence);
        LabelRule rule;
        Dataset d;
        if (input.split != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--label-rule")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--label-rule does not apply with --data: the split's labels are used");
            }
            SplitData split = SplitDirectory.read(input.split);
            d = split.trainDataset();
            // A split holds labels already: 1 liked, 0 not (explicit), or every row a positive (implicit).
            rule = split.manifest().source().explicitLabels() ? LabelRule.atLeast(0.5f) : LabelRule.implicitFeedback();
        } else {
            rule = LabelRule.parse(labelRule);
            d = input.source.load().dataset();
        }
        int n = corpus.documents(d, rule).size();
        corpus.write(d, rule, out);
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + out + ": " + n + " documents");
        w.flush();
        return 0;
    }
}
