package org.tandemrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.LabelRule;
import org.tandemrec.prompt.BehaviourCorpus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tandem llm corpus}: writes the pre-training corpus (item texts and behaviour sentences) of a data set. */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = "Write a pre-training corpus for 'tandem llm pretrain': one line per item text and per user "
                + "behaviour sentence.")
public final class LlmCorpusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataSourceOptions source;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "corpus file (UTF-8, one document per line)")
    Path out;

    @Option(names = "--label-rule", defaultValue = ">=4", paramLabel = "RULE",
            description = "what counts as liked: '>=T' or 'implicit' (no liked sentences); default ${DEFAULT-VALUE}")
    String labelRule;

    @Option(names = "--items-per-sentence", defaultValue = "10", paramLabel = "N",
            description = "history items per behaviour sentence (default ${DEFAULT-VALUE})")
    int itemsPerSentence;

    @Override
    public Integer call() throws Exception {
        LabelRule rule = LabelRule.parse(labelRule);
        BehaviourCorpus corpus = new BehaviourCorpus(itemsPerSentence);
        Dataset d = source.load().dataset();
        int n = corpus.documents(d, rule).size();
        corpus.write(d, rule, out);
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + out + ": " + n + " documents");
        w.flush();
        return 0;
    }
}
