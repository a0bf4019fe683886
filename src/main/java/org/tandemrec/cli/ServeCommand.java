package org.tandemrec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.corella.ServedCascade;
import org.tandemrec.eval.RunDirectory;
import org.tandemrec.serve.CascadeServer;
import org.tandemrec.serve.ServeSettings;
import org.tandemrec.split.SplitIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code tandem serve}: the CoReLLa cascade of a run directory over HTTP (see {@link CascadeServer}). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the CRM -> LLM cascade of a CoReLLa run (RUNDIR/corella-llm/cascade.json, the demo's"
                + " RUNDIR/corella/..., or an experiment's RUNDIR/models/ID/...) over HTTP: POST /v1/score, POST"
                + " /v1/recommend, GET /v1/explain, /healthz, /readyz, /metrics, /openapi.json. Reads nothing outside RUNDIR; stops on Ctrl-C after the requests in flight.")
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNDIR", description = "a run of tandem corella, tandem demo or tandem run")
    Path run;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "port (default 8080; 0: any free one)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "H",
            description = "address to bind (default 127.0.0.1: this machine only)")
    String host;

    @Option(names = "--corella", paramLabel = "DIR",
            description = "the CoReLLa run inside RUNDIR (default: RUNDIR itself, RUNDIR/corella as the demo lays it out,"
                    + " or the one CoReLLa model of an experiment in RUNDIR/models/)")
    Path corella;

    @Option(names = "--config", paramLabel = "FILE",
            description = "server settings, YAML or JSON: max_batch, max_wait_ms, llm_queue, max_llm_share, max_in_flight,"
                    + " max_body_bytes, max_items, recommend_pool, threads, drain_seconds")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be in [0, 65535], got " + port);
        }
        ServeSettings settings = ServeSettings.load(config);
        Path home = corella == null ? ServedCascade.findRun(run) : corella;
        requireFinished(home);
        ServedCascade cascade = ServedCascade.load(run, home);
        try {
            requireTrainedSplit(home, cascade);
        } catch (java.io.IOException | RuntimeException e) {
            cascade.close();
            throw e;
        }
        CascadeServer server = CascadeServer.start(cascade, settings, host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            cascade.close();
            stopped.countDown();
        }, "tandem-serve-shutdown"));
        spec.commandLine().getOut().printf("serving %s on http://%s:%d (Ctrl-C stops)%n", run, host, server.port());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    /**
     * Refuses to serve the cascade on a split other than the one its run trained on (recorded in
     * its run.json): the models' rows would stand for other users and items.
     */
    private static void requireTrainedSplit(Path home, ServedCascade cascade) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(home.resolve(RunFiles.RUN))) {
            return; // a run of an earlier version, or written by the library: DCNv2's sizes were checked on loading
        }
        String recorded = RunFiles.readRun(home).path(RunFiles.SPLIT_IDS_SHA256).asText("");
        if (!recorded.isEmpty() && !recorded.equals(cascade.splitIdsSha256())) {
            throw new org.tandemrec.base.UnusableFileException(home + ": the split its cascade.json names holds other users"
                    + " and items than the run trained on (id maps sha256 " + SplitIdentity.shortHash(cascade.splitIdsSha256())
                    + "…, " + RunFiles.RUN + " records " + SplitIdentity.shortHash(recorded) + "…)");
        }
    }

    /**
     * Refuses a CoReLLa run that did not finish: its own completion marker, or that of the run
     * holding it up to RUNDIR (the demo marks only its whole run directory), must be there.
     */
    private void requireFinished(Path home) throws java.io.IOException {
        Path root = run.toAbsolutePath().normalize();
        Path dir = home.toAbsolutePath().normalize();
        if (!dir.startsWith(root)) {
            return; // refused by the loader, which names the path outside RUNDIR
        }
        for (Path d = dir; d.startsWith(root); d = d.getParent()) {
            if (RunDirectory.isComplete(d)) {
                return;
            }
        }
        RunFiles.requireComplete(home);
    }
}
