package org.tandemrec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tandemrec.data.format.TandemDatasetFormat;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.data.synthetic.SyntheticStats;
import org.tandemrec.data.synthetic.SyntheticTruth;
import org.tandemrec.data.synthetic.SyntheticWorld;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem data synth}: writes the seeded synthetic world as a {@code tandem} data set
 * directory with its ground truth ({@code truth.bin}).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate the seeded synthetic world (items with topic text, users with tastes, "
                + "ratings from a known logistic model) as a 'tandem' data set directory with truth.bin.")
public final class DataSynthCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    SyntheticWorldOptions size;

    @Option(names = "--interactions", paramLabel = "N",
            description = "target number of interactions (default: about 50 per user)")
    Integer interactions;

    @Override
    public Integer call() throws Exception {
        SyntheticConfig config = configFor(seed, size.users, size.items, interactions);
        SyntheticWorld world = SyntheticWorld.generate(config);
        write(world, out);
        SyntheticStats s = world.stats();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %s: %d users, %d items, %d interactions (%d cold items), oracle AUC %.4f%n",
                out, world.dataset().numUsers(), world.dataset().numItems(), s.interactions(), s.coldItems(),
                s.oracleAuc());
        w.flush();
        return 0;
    }

    /** The default world resized and reseeded as the options ask. */
    static SyntheticConfig configFor(long seed, Integer users, Integer items, Integer interactions) {
        SyntheticConfig c = SyntheticConfig.defaults().withSeed(seed);
        int u = users == null ? c.users() : users;
        int i = items == null ? c.items() : items;
        if (interactions != null) {
            return c.withSize(u, i, interactions);
        }
        return users != null || items != null ? c.withSize(u, i) : c;
    }

    /** The truth goes first: the data set's manifest, written last, marks the directory complete. */
    static void write(SyntheticWorld world, Path dir) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        world.truth().save(dir.resolve(SyntheticTruth.FILE_NAME));
        TandemDatasetFormat.write(world.dataset(), dir);
    }
}
