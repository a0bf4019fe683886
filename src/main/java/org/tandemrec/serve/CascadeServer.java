package org.tandemrec.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.corella.ServedCascade;

/**
 * The cascade over HTTP (Javalin on Jetty): {@code POST /v1/score}, {@code POST /v1/recommend},
 * {@code GET /v1/explain} (the routing decision for one item), {@code GET /healthz}, {@code /readyz}, {@code /metrics} (Prometheus text) and {@code
 * /openapi.json}. Scoring requests beyond {@code max_in_flight} get 429, requests during a
 * shutdown 503, both with {@code Retry-After}; {@link #close()} stops taking requests, waits for
 * those in flight (up to {@code drain_seconds}), then stops the server and the LLM's batcher.
 */
public final class CascadeServer implements AutoCloseable {
    /** The routes served, as the OpenAPI document names them. */
    static final List<String> ROUTES = List.of("POST /v1/score", "POST /v1/recommend", "GET /v1/explain", "GET /healthz",
            "GET /readyz", "GET /metrics", "GET /openapi.json");
    private static final Logger LOG = LoggerFactory.getLogger(CascadeServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SCORE_FIELDS = List.of("user", "items", "context", "mode");
    private static final List<String> EXPLAIN_PARAMS = List.of("user", "item", "title");
    private static final List<String> RECOMMEND_FIELDS = List.of("user", "k", "candidates", "context", "mode");

    @FunctionalInterface
    private interface Endpoint {
        void handle(Context ctx) throws Exception;
    }

    private final CascadeService service;
    private final ServeSettings settings;
    private final ServeMetrics metrics = new ServeMetrics();
    private final Semaphore inFlight;
    private final String openApi;
    private final Javalin app;
    private volatile boolean draining;
    private boolean closed;

    private CascadeServer(ServedCascade cascade, ServeSettings settings, String host, int port) throws IOException {
        this.settings = settings;
        this.service = new CascadeService(cascade, settings, metrics);
        this.inFlight = new Semaphore(settings.maxInFlight());
        try (InputStream in = CascadeServer.class.getResourceAsStream("openapi.json")) {
            this.openApi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            QueuedThreadPool pool = new QueuedThreadPool(settings.threads(), Math.min(8, settings.threads()));
            pool.setName("tandem-http");
            config.jetty.threadPool = pool;
            // Javalin refuses larger bodies itself as well; the handler checks first, so the message is ours.
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.routes.post("/v1/score", limited("/v1/score", this::score));
            config.routes.post("/v1/recommend", limited("/v1/recommend", this::recommend));
            config.routes.get("/v1/explain", limited("/v1/explain", this::explain));
            config.routes.get("/healthz", timed("/healthz", ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "ok"))));
            config.routes.get("/readyz", timed("/readyz", this::ready));
            config.routes.get("/metrics", timed("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.text())));
            config.routes.get("/openapi.json", timed("/openapi.json", ctx -> ctx.contentType("application/json")
                    .result(openApi)));
        });
    }

    /** Starts serving {@code cascade} on {@code host}:{@code port} (0: any free port). */
    public static CascadeServer start(ServedCascade cascade, ServeSettings settings, String host, int port) throws IOException {
        CascadeServer s = new CascadeServer(cascade, settings, host, port);
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.service.close();
            // Javalin wraps Jetty's bind error: the user needs the address and the reason, not the classes.
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new UsageException("cannot listen on " + host + ":" + port + ": " + root.getMessage(), e);
        }
        return s;
    }

    public int port() {
        return app.port();
    }

    private void score(Context ctx) throws IOException {
        JsonNode body = RequestBody.parse(body(ctx));
        RequestBody.onlyFields(body, SCORE_FIELDS);
        String user = RequestBody.text(body, "user");
        List<String> items = RequestBody.texts(body, "items", settings.maxItems(), true);
        Map<String, String> titles = RequestBody.titles(body);
        boolean cascade = RequestBody.cascadeMode(body);
        json(ctx, 200, results(user, "results", service.score(user, items, titles, cascade), false));
    }

    private void recommend(Context ctx) throws IOException {
        JsonNode body = RequestBody.parse(body(ctx));
        RequestBody.onlyFields(body, RECOMMEND_FIELDS);
        String user = RequestBody.text(body, "user");
        int k = RequestBody.integer(body, "k", 1, settings.maxItems());
        List<String> candidates = RequestBody.texts(body, "candidates", settings.maxItems(), false);
        Map<String, String> titles = RequestBody.titles(body);
        boolean cascade = RequestBody.cascadeMode(body);
        json(ctx, 200, results(user, "items", service.recommend(user, k, candidates, titles, cascade), true));
    }

    private void explain(Context ctx) throws IOException {
        for (String q : ctx.queryParamMap().keySet()) {
            if (!EXPLAIN_PARAMS.contains(q)) {
                throw ApiError.field(q, "is not a known query parameter (known: " + String.join(", ", EXPLAIN_PARAMS) + ")");
            }
        }
        String user = query(ctx, "user");
        String item = query(ctx, "item");
        String title = ctx.queryParam("title");
        CascadeService.Explanation e = service.explain(user, item, title == null || title.isBlank() ? null : title);
        ObjectNode o = JSON.createObjectNode().put("user", e.user()).put("item", e.item());
        if (e.cold() != null) {
            o.put("cold", e.cold());
        }
        o.put("crm_probability", e.crmProbability()).put("crm_entropy", e.crmEntropy())
                .put("crm_confidence", e.crmConfidence()).put("entropy_threshold", e.entropyThreshold())
                .put("routing_budget", e.routingBudget()).put("max_llm_share", e.maxLlmShare())
                .put("routes_to_llm", e.routes()).put("reason", e.reason()).put("prompt", e.prompt());
        json(ctx, 200, o);
    }

    private static String query(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            throw ApiError.field(name, "is missing (a query parameter)");
        }
        return v;
    }

    /**
     * The answer of a scoring route, written straight to bytes (no tree of nodes per item):
     * {@code {"user", "cold_user", <array>: [{rank?, item, probability, answered_by,
     * crm_probability, crm_entropy, crm_confidence, cold?, fallback?}]}}.
     */
    private byte[] results(String user, String array, List<CascadeService.ItemScore> scores, boolean ranked)
            throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128 + 200 * scores.size());
        try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("user", user);
            g.writeBooleanField("cold_user", service.cascade().user(user) < 0);
            g.writeArrayFieldStart(array);
            int rank = 1;
            for (CascadeService.ItemScore s : scores) {
                g.writeStartObject();
                if (ranked) {
                    g.writeNumberField("rank", rank++);
                }
                g.writeStringField("item", s.item());
                g.writeNumberField("probability", s.probability());
                g.writeStringField("answered_by", s.answeredBy());
                g.writeNumberField("crm_probability", s.crmProbability());
                g.writeNumberField("crm_entropy", s.crmEntropy());
                g.writeNumberField("crm_confidence", s.crmConfidence());
                if (s.cold() != null) {
                    g.writeStringField("cold", s.cold());
                }
                if (s.fallback() != null) {
                    g.writeStringField("fallback", s.fallback());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return buf.toByteArray();
    }

    private void ready(Context ctx) throws IOException {
        ObjectNode o = JSON.createObjectNode().put("ready", !draining);
        o.putObject("models").put("crm", "dcnv2").put("llm", "lora").put("routing_budget", service.cascade().router().budget())
                .put("entropy_threshold", service.cascade().router().threshold()).put("max_llm_share", service.maxShare());
        json(ctx, draining ? 503 : 200, o);
    }

    /** The body, refused with 413 past {@code max_body_bytes} (by its declared length, or as read). */
    private byte[] body(Context ctx) throws IOException {
        long declared = ctx.contentLength();
        if (declared > settings.maxBodyBytes()) {
            throw tooLarge(declared);
        }
        if (declared >= 0) {
            // Read exactly the declared bytes: Javalin's reader allocates and clears an 8 KiB buffer
            // per request, a tenth of the CRM path's time when profiled under load.
            return ctx.req().getInputStream().readNBytes((int) declared);
        }
        byte[] b = ctx.bodyAsBytes();
        if (b.length > settings.maxBodyBytes()) {
            throw tooLarge(b.length);
        }
        return b;
    }

    private ApiError tooLarge(long bytes) {
        return new ApiError(413, "the request body has " + bytes + " bytes, over the limit of " + settings.maxBodyBytes()
                + " (max_body_bytes)");
    }

    /** A scoring route: refused while draining (503) or past {@code max_in_flight} (429), timed, errors as JSON. */
    private io.javalin.http.Handler limited(String route, Endpoint e) {
        return timed(route, ctx -> {
            if (draining) {
                throw new ApiError(503, "the server is shutting down", 1);
            }
            if (!inFlight.tryAcquire()) {
                throw new ApiError(429, "too many requests in flight (max_in_flight " + settings.maxInFlight() + ")", 1);
            }
            metrics.inFlight().incrementAndGet();
            try {
                e.handle(ctx);
            } finally {
                metrics.inFlight().decrementAndGet();
                inFlight.release();
            }
        });
    }

    private io.javalin.http.Handler timed(String route, Endpoint e) {
        return ctx -> {
            long t0 = System.nanoTime();
            try {
                e.handle(ctx);
            } catch (ApiError err) {
                error(ctx, err);
            } catch (HttpResponseException err) {
                error(ctx, new ApiError(err.getStatus(), err.getStatus() == 413 ? "the request body is over the limit of "
                        + settings.maxBodyBytes() + " bytes (max_body_bytes)" : err.getMessage()));
            } catch (Exception | Error err) {
                LOG.error("{} failed", route, err);
                error(ctx, new ApiError(500, "internal error: " + err.getClass().getSimpleName()));
            }
            metrics.request(route, ctx.statusCode(), (System.nanoTime() - t0) / 1e9);
        };
    }

    private static void error(Context ctx, ApiError err) throws IOException {
        if (err.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(err.retryAfterSeconds()));
        }
        json(ctx, err.status(), JSON.createObjectNode().put("error", err.getMessage()).put("status", err.status()));
    }

    /**
     * Writes and flushes the response before the handler returns, so that a request counted out
     * of flight has its answer on the wire when a draining shutdown then closes the connection.
     */
    private static void json(Context ctx, int status, JsonNode body) throws IOException {
        json(ctx, status, JSON.writeValueAsBytes(body));
    }

    private static void json(Context ctx, int status, byte[] body) throws IOException {
        ctx.status(status).contentType("application/json");
        ctx.res().setContentLength(body.length);
        ctx.res().getOutputStream().write(body);
        ctx.res().flushBuffer();
    }

    /**
     * Stops taking scoring requests (503), waits up to {@code drain_seconds} for those in flight to
     * finish, then stops the HTTP server and the LLM's batcher.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        try {
            if (inFlight.tryAcquire(settings.maxInFlight(), settings.drainSeconds(), TimeUnit.SECONDS)) {
                inFlight.release(settings.maxInFlight());
            } else {
                LOG.warn("stopping with requests still in flight after {} s", settings.drainSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        app.stop();
        service.close();
    }
}
