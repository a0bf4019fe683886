package org.tandemrec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.corella.ServedCascade;
import org.tandemrec.serve.CascadeServer;
import org.tandemrec.serve.ServeSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
        ServedCascade cascade = corella == null ? ServedCascade.loadRun(run) : ServedCascade.load(run, corella);
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
}
