package org.tandemrec.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.corella.CorellaRun;
import org.tandemrec.collab.corella.CorellaSettings;
import org.tandemrec.collab.corella.ServedCascade;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.data.synthetic.SyntheticWorld;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.llm.pretrain.Pretrainer;
import org.tandemrec.prompt.BehaviourCorpus;
import org.tandemrec.serve.CascadeServer;
import org.tandemrec.serve.ServeSettings;
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;

/**
 * A load test of {@code tandem serve} on loopback: the server runs in this process over a run
 * directory, {@code concurrency} client threads, each with its own HTTP/1.1 keep-alive connection
 * ({@link KeepAliveConnection}, a plain socket: {@code java.net.http} spent several times the
 * server's whole CRM path per request), send score requests of {@value #ITEMS_PER_REQUEST} item
 * for random known users and items until {@code requests} are done or {@code seconds} have
 * passed, first on the CRM-only path ({@code "mode": "crm"}), then through the cascade. Reports
 * throughput, latency quantiles and the share of items the LLM answered.
 *
 * <p>The CRM-only phase may instead be driven by {@link WrkLoad wrk}, a load generator in C. Either
 * way the clients run on the same cores as the server: the figures are those of server and load
 * generator together, a lower bound on what the server alone sustains.
 */
public final class ServeBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Items per score request: one, so that requests/s is the rate of the request path itself. */
    public static final int ITEMS_PER_REQUEST = 1;
    /**
     * wrk's warm-up: slices of load until the JIT compiled for less than this share of a slice's
     * time (it is measured as compiler threads' time, so a share of one core), at most the maximum.
     */
    private static final int WARM_UP_SLICE_SECONDS = 2;
    private static final double JIT_SETTLED_SHARE = 0.05;
    private static final int MAX_WARM_UP_SECONDS = 40;

    /** Bounds of each phase: requests, seconds, concurrent clients. */
    public record Settings(int crmRequests, int cascadeRequests, double seconds, int concurrency, long seed) {
        public Settings {
            if (crmRequests <= 0 || cascadeRequests <= 0) {
                throw new UsageException("requests must be > 0, got " + crmRequests + ", " + cascadeRequests);
            }
            if (!(seconds > 0)) {
                throw new UsageException("seconds must be > 0, got " + seconds);
            }
            if (concurrency <= 0) {
                throw new UsageException("concurrency must be > 0, got " + concurrency);
            }
        }

        public static Settings full() {
            return new Settings(200_000, 5_000, 20, 16, 1);
        }

        public static Settings quick() {
            return new Settings(500, 100, 10, 4, 1);
        }
    }

    /**
     * One phase's figures: requests done, per second, latency quantiles in ms, errors, LLM share of
     * items, and this process's CPU time per request in µs. The CPU figure depends little on what
     * else runs on the machine, unlike the rate; it is the server's alone when wrk drives the phase,
     * and the server's and the Java clients' together otherwise.
     */
    public record Phase(long requests, double requestsPerSecond, double p50Ms, double p99Ms, long errors, double llmShare,
                        double cpuMicrosPerRequest) {
    }

    private ServeBenchmark() {
    }

    /** Who drives the CRM-only phase: Java client threads in this process, or {@link WrkLoad wrk}. */
    public enum Client { JAVA, WRK }

    /** Both phases over the run in {@code runDir}, served with {@code serve}. */
    public static Phase[] run(Path runDir, ServeSettings serve, Settings s) throws Exception {
        return run(runDir, serve, s, Client.JAVA);
    }

    /**
     * Both phases, the CRM-only one driven by {@code client} (with wrk it runs for the whole time
     * bound, and its LLM share is 0 by construction); the cascade phase always by Java clients,
     * which read who answered each request.
     */
    public static Phase[] run(Path runDir, ServeSettings serve, Settings s, Client client) throws Exception {
        try (ServedCascade cascade = ServedCascade.loadRun(runDir);
             CascadeServer server = CascadeServer.start(cascade, serve, "127.0.0.1", 0)) {
            int port = server.port();
            // A short warm-up so that neither phase pays for the JIT and the first native calls.
            phase(port, cascade, "crm", Math.min(2000, s.crmRequests()), s.seconds(), s.concurrency(), s.seed() + 9);
            Phase crm;
            if (client == Client.WRK) {
                List<String> users = java.util.stream.IntStream.range(0, cascade.numUsers()).mapToObj(cascade::userId).toList();
                List<String> items = java.util.stream.IntStream.range(0, cascade.numItems()).mapToObj(cascade::itemId).toList();
                // Requests at wrk's rate reach the JIT's final code only after seconds, many more on a
                // loaded machine: compiling is then a fifth of the CPU the server spends per request.
                CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
                long warmStart = System.nanoTime();
                for (int slice = 0; ; slice++) {
                    long jit0 = jit.getTotalCompilationTime();
                    long t0 = System.nanoTime();
                    WrkLoad.crmPhase(port, users, items, s.concurrency(), WARM_UP_SLICE_SECONDS, s.seed() + 9 + slice);
                    double sliceMs = (System.nanoTime() - t0) / 1e6;
                    if (jit.getTotalCompilationTime() - jit0 < JIT_SETTLED_SHARE * sliceMs
                            || System.nanoTime() - warmStart > MAX_WARM_UP_SECONDS * 1_000_000_000L) {
                        break;
                    }
                }
                long cpu0 = processCpuNanos();
                WrkLoad.Result w = WrkLoad.crmPhase(port, users, items, s.concurrency(), s.seconds(), s.seed());
                crm = new Phase(w.requests(), w.requestsPerSecond(), w.p50Ms(), w.p99Ms(), w.errors(), 0,
                        perRequestMicros(processCpuNanos() - cpu0, w.requests()));
            } else {
                crm = phase(port, cascade, "crm", s.crmRequests(), s.seconds(), s.concurrency(), s.seed());
            }
            Phase both = phase(port, cascade, "cascade", s.cascadeRequests(), s.seconds(), s.concurrency(), s.seed() + 1);
            return new Phase[] {crm, both};
        }
    }

    private static Phase phase(int port, ServedCascade cascade, String mode, int requests, double seconds,
                               int concurrency, long seed) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong llm = new AtomicLong();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        double[][] latencies = new double[concurrency][];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        try {
            Future<?>[] workers = new Future<?>[concurrency];
            for (int w = 0; w < concurrency; w++) {
                int id = w;
                SplittableRandom random = new SplittableRandom(seed * 1000 + w);
                workers[w] = pool.submit(() -> {
                    double[] mine = new double[1024];
                    int n = 0;
                    try (KeepAliveConnection connection = new KeepAliveConnection("127.0.0.1", port)) {
                        while (next.getAndIncrement() < requests && System.nanoTime() < deadline) {
                            byte[] body = ("{\"user\":\"" + cascade.userId(random.nextInt(cascade.numUsers()))
                                    + "\",\"items\":[\"" + cascade.itemId(random.nextInt(cascade.numItems()))
                                    + "\"],\"mode\":\"" + mode + "\"}").getBytes(StandardCharsets.UTF_8);
                            long a = System.nanoTime();
                            try {
                                KeepAliveConnection.Response r = connection.post("/v1/score", body);
                                if (r.status() != 200) {
                                    errors.incrementAndGet();
                                    continue;
                                }
                                // Who answered the one item; a search of the bytes costs the shared CPU less than parsing.
                                if (r.text().contains("\"answered_by\":\"llm\"")) {
                                    llm.incrementAndGet();
                                }
                            } catch (IOException e) {
                                errors.incrementAndGet();
                                continue;
                            }
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = (System.nanoTime() - a) / 1e6;
                        }
                    }
                    latencies[id] = Arrays.copyOf(mine, n);
                });
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu = processCpuNanos() - cpu0;
        double[] all = Arrays.stream(latencies).flatMapToDouble(Arrays::stream).sorted().toArray();
        long done = all.length;
        return new Phase(done, done / elapsed, quantile(all, 0.5), quantile(all, 0.99), errors.get(),
                done == 0 ? 0 : (double) llm.get() / done, perRequestMicros(cpu, done));
    }

    /** CPU time of this process (all its threads, the JIT and the garbage collector included), in ns; -1 when unknown. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static double perRequestMicros(long cpuNanos, long requests) {
        return cpuNanos < 0 || requests == 0 ? Double.NaN : cpuNanos / 1e3 / requests;
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /**
     * A small synthetic CoReLLa run in {@code dir}, laid out as the demo's ({@code split-time/},
     * {@code llm/}, {@code corella/}): a seeded world, its time split, a small LLM pre-trained for a
     * few steps on the split's training text, and CoReLLa at routing budget {@code budget} with
     * tiny stages. Its models are weak; it exists to be served and timed.
     */
    public static Path syntheticRun(Path dir, double budget, long seed) throws IOException {
        SyntheticWorld world = SyntheticWorld.generate(SyntheticConfig.defaults().withSeed(seed).withSize(200, 300, 6000));
        Dataset d = world.dataset();
        LabelRule liked = LabelRule.atLeast(4);
        SplitData split = SplitPlan.run(d.withInteractions(liked.apply(d.interactions())), new SplitSource(d.name(), "data",
                "tandem", List.of(), liked), SplitConfig.corella().withSeed(seed), dir.resolve("split-time"), d.interactions());
        List<String> docs = new BehaviourCorpus(10).documents(split.trainDataset(), LabelRule.atLeast(0.5f));
        PretrainConfig llm = new PretrainConfig(64, 2, 2, 1, 256, 384, 600, 4, 3e-3f, 0.01f, 2, 1f, 10, 0, 0, seed);
        new Pretrainer(llm).run(docs, dir.resolve("llm"), false, false);
        CorellaSettings c = CorellaSettings.defaults().with("bench", JSON.readTree(String.format(java.util.Locale.ROOT,
                "{\"crm_epochs\": 3, \"history_items\": 5, \"min_history\": 2, \"joint_samples\": 16, \"llm_samples\": 8,"
                        + " \"eval_rows\": 50, \"valid_rows\": 200, \"budget\": %s, \"shared_dim\": 8, \"baselines\": [],"
                        + " \"seed\": %d, \"sft\": {\"batch_size\": 4, \"warmup_steps\": 1}}", budget, seed)));
        new CorellaRun(c, dir.resolve("split-time"), dir.resolve("llm"), dir.resolve("corella"), false, false,
                new PrintWriter(new StringWriter())).run();
        return dir;
    }
}
