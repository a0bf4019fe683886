package org.tandemrec.collab.corella;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.tandemrec.Fixtures;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.data.synthetic.SyntheticWorld;
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;

/**
 * A CoReLLa run small enough for a test (seconds), laid out as the demo lays its run out:
 * {@code split-time/}, {@code llm/} (the tiny reference checkpoint) and {@code corella/}.
 */
public final class TinyCorellaRun {
    private static Path shared;

    private TinyCorellaRun() {
    }

    /** One run for every test of this JVM that only reads it (built on first use, removed at exit). */
    public static synchronized Path shared() throws IOException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("tandem-tiny-corella");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            build(dir);
            shared = dir;
        }
        return shared;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** Builds the run in {@code root} with every test row scored; returns the run's result. */
    public static CorellaRun.Result build(Path root) throws IOException {
        SyntheticWorld world = SyntheticWorld.generate(SyntheticConfig.defaults().withSeed(7).withSize(80, 150, 2000));
        Dataset d = world.dataset();
        LabelRule liked = LabelRule.atLeast(4);
        SplitPlan.run(d.withInteractions(liked.apply(d.interactions())), new SplitSource(d.name(), "data", "tandem",
                List.of(), liked), SplitConfig.corella().withSeed(7), root.resolve("split-time"), d.interactions());
        Path llm = root.resolve("llm");
        Files.createDirectories(llm);
        try (Stream<Path> files = Files.list(Fixtures.path("hf/tiny-llama"))) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("golden.json")).toList()) {
                Files.copy(f, llm.resolve(f.getFileName()));
            }
        }
        CorellaSettings s = CorellaSettings.defaults().with("test", new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"crm_epochs\": 2, \"history_items\": 4, \"min_history\": 2, \"joint_samples\": 8, \"llm_samples\": 4,"
                        + " \"eval_rows\": 0, \"valid_rows\": 40, \"budget\": 0.3, \"shared_dim\": 8, \"baselines\": [],"
                        + " \"sft\": {\"batch_size\": 4, \"warmup_steps\": 1}}"));
        return new CorellaRun(s, root.resolve("split-time"), llm, root.resolve("corella"), false, false,
                new PrintWriter(new StringWriter())).run();
    }
}
