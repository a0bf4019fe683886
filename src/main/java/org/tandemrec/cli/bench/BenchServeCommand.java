package org.tandemrec.cli.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tandemrec.base.UsageException;
import org.tandemrec.bench.ServeBenchmark;
import org.tandemrec.bench.WrkLoad;
import org.tandemrec.cli.JsonOutput;
import org.tandemrec.serve.ServeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code tandem bench serve}: a loopback load test of the server, CRM-only path and cascade path. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the server in this process on a loopback port over a run directory (default: a small"
                + " synthetic CoReLLa run built first) and drive it with concurrent keep-alive connections (wrk for the"
                + " CRM-only phase when it is installed, else Java client threads; either shares the cores with the server): requests/s"
                + " and p50/p99 latency of one-item score requests on the CRM-only path and through the cascade, and the"
                + " share the LLM answered.")
public final class BenchServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOutput output;

    @Option(names = "--run", paramLabel = "DIR", description = "a run of tandem corella or tandem demo (default: build one)")
    Path run;

    @Option(names = "--config", paramLabel = "FILE", description = "server settings, as tandem serve --config")
    Path config;

    @Option(names = "--quick", description = "few requests, to check that it runs (the figures keep their meaning only without it)")
    boolean quick;

    @Option(names = "--seconds", paramLabel = "S", description = "time bound of each phase (default: 20; --quick: 10)")
    Double seconds;

    @Option(names = "--concurrency", paramLabel = "C", description = "concurrent clients (default: 16; --quick: 4)")
    Integer concurrency;

    @Option(names = "--client", paramLabel = "C", defaultValue = "auto",
            description = "who drives the CRM-only phase: java (client threads in this process), wrk (Debian's wrk, a"
                    + " C load generator that takes less of the shared cores), or auto: wrk when it is on the PATH"
                    + " (default ${DEFAULT-VALUE}); the cascade phase always uses the Java clients")
    String client;

    @Option(names = "--budget", paramLabel = "F", description = "routing budget of the synthetic run built (default: 0.2)")
    double budget = 0.2;

    @Override
    public Integer call() throws Exception {
        ServeBenchmark.Settings s = quick ? ServeBenchmark.Settings.quick() : ServeBenchmark.Settings.full();
        s = new ServeBenchmark.Settings(s.crmRequests(), s.cascadeRequests(), seconds == null ? s.seconds() : seconds,
                concurrency == null ? s.concurrency() : concurrency, s.seed());
        if (!(budget >= 0 && budget <= 1)) {
            throw new UsageException("--budget must be in [0, 1], got " + budget);
        }
        ServeBenchmark.Client driver = switch (client.toLowerCase(java.util.Locale.ROOT)) {
            case "java" -> ServeBenchmark.Client.JAVA;
            case "wrk" -> {
                if (!WrkLoad.available()) {
                    throw new UsageException("--client wrk: wrk is not on the PATH (Debian: apt-get install wrk)");
                }
                yield ServeBenchmark.Client.WRK;
            }
            case "auto" -> WrkLoad.available() ? ServeBenchmark.Client.WRK : ServeBenchmark.Client.JAVA;
            default -> throw new UsageException("--client must be auto, java or wrk, got '" + client + "'");
        };
        if (quick && driver == ServeBenchmark.Client.WRK && !client.equalsIgnoreCase("wrk")) {
            driver = ServeBenchmark.Client.JAVA; // a check that it runs needs no second process
        }
        ServeSettings serve = ServeSettings.load(config);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sizes", quick ? "quick" : "full");
        f.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        f.put("concurrency", s.concurrency());
        String cores = "shares the " + Runtime.getRuntime().availableProcessors() + " cores with the server";
        f.put("crm_client", driver == ServeBenchmark.Client.WRK
                ? "wrk, 1 thread, " + s.concurrency() + " HTTP/1.1 keep-alive connections; " + cores
                : "in-process, " + s.concurrency() + " threads, " + s.concurrency()
                        + " HTTP/1.1 keep-alive connections (plain sockets); " + cores);
        f.put("cascade_client", "in-process, " + s.concurrency() + " threads, " + s.concurrency()
                + " HTTP/1.1 keep-alive connections (plain sockets); " + cores);
        f.put("items_per_request", ServeBenchmark.ITEMS_PER_REQUEST);
        Path dir = run;
        Path built = null;
        if (dir == null) {
            built = Files.createTempDirectory("tandem-bench-serve");
            dir = ServeBenchmark.syntheticRun(built, budget, 42);
            f.put("run", "synthetic (200 users, 300 items, budget " + budget + ")");
        } else {
            f.put("run", dir.toString());
        }
        try {
            ServeBenchmark.Phase[] p = ServeBenchmark.run(dir, serve, s, driver);
            f.put("crm_requests", p[0].requests());
            f.put("crm_requests_per_s", p[0].requestsPerSecond());
            f.put("crm_p50_ms", p[0].p50Ms());
            f.put("crm_p99_ms", p[0].p99Ms());
            f.put("crm_errors", p[0].errors());
            f.put("crm_cpu_us_per_request", p[0].cpuMicrosPerRequest());
            f.put("crm_cpu_counts", driver == ServeBenchmark.Client.WRK ? "the server's process (wrk runs apart)"
                    : "the server's process, its in-process client threads included");
            f.put("cascade_requests", p[1].requests());
            f.put("cascade_requests_per_s", p[1].requestsPerSecond());
            f.put("cascade_p50_ms", p[1].p50Ms());
            f.put("cascade_p99_ms", p[1].p99Ms());
            f.put("cascade_errors", p[1].errors());
            f.put("cascade_llm_share", p[1].llmShare());
        } finally {
            if (built != null) {
                try (Stream<Path> files = Files.walk(built)) {
                    for (Path x : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(x);
                    }
                }
            }
        }
        f.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        output.print(spec.commandLine().getOut(), f, 24, "%.4g");
        return 0;
    }
}
