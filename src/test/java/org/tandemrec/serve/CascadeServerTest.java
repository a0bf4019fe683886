package org.tandemrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.collab.corella.ClickExamples;
import org.tandemrec.collab.corella.ServedCascade;
import org.tandemrec.collab.corella.TinyCorellaRun;

/** The cascade over HTTP on a tiny CoReLLa run: every route, the errors, micro-batching, fall-backs and shutdown. */
class CascadeServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ServedCascade cascade;
    private static String knownUser;
    private static List<String> knownItems;

    @BeforeAll
    static void load() throws Exception {
        cascade = ServedCascade.loadRun(TinyCorellaRun.shared());
        knownUser = "u0001";
        knownItems = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            knownItems.add(cascade.itemId(i));
        }
        assertTrue(cascade.user(knownUser) >= 0, "the synthetic world names its users u0001, u0002, ...");
    }

    @AfterAll
    static void close() {
        cascade.close();
    }

    private static CascadeServer start(String yaml) throws Exception {
        ServeSettings s = yaml.isEmpty() ? ServeSettings.defaults()
                : ServeSettings.defaults().with("test", new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(yaml));
        return CascadeServer.start(cascade, s, "127.0.0.1", 0);
    }

    private static HttpResponse<String> get(CascadeServer s, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(CascadeServer s, String path, String body) throws Exception {
        return CLIENT.send(request(s, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(CascadeServer s, String path, String body) {
        return CLIENT.sendAsync(request(s, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(CascadeServer s, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String items(List<String> ids) throws Exception {
        return JSON.writeValueAsString(ids);
    }

    private static double metric(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void scoresAsTheCascadeDoesAndServesEveryRoute() throws Exception {
        try (CascadeServer s = start("max_llm_share: 1")) {
            HttpResponse<String> r = post(s, "/v1/score", "{\"user\": \"" + knownUser + "\", \"items\": " + items(knownItems) + "}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode results = JSON.readTree(r.body()).get("results");
            assertEquals(knownItems.size(), results.size());
            // The same answers as the cascade object gives: the CRM's, or the LLM's where the router sends the item.
            int u = cascade.user(knownUser);
            ClickExamples e = cascade.requests(u, knownItems.stream().mapToInt(cascade::item).toArray());
            float[] crm = cascade.crm(e);
            int llm = 0;
            for (int k = 0; k < crm.length; k++) {
                JsonNode x = results.get(k);
                assertEquals(knownItems.get(k), x.get("item").asText());
                assertEquals(crm[k], x.get("crm_probability").floatValue(), 1e-6);
                boolean routed = cascade.router().routes(crm[k]);
                assertEquals(routed ? "llm" : "crm", x.get("answered_by").asText());
                float expected = routed ? cascade.llm(new int[][] {cascade.prompt(e, k)})[0] : crm[k];
                assertEquals(expected, x.get("probability").floatValue(), 1e-4);
                double h = x.get("crm_entropy").asDouble();
                assertEquals(1 - h / Math.log(2), x.get("crm_confidence").asDouble(), 1e-9);
                assertTrue(x.get("cold") == null && x.get("fallback") == null, x.toString());
                llm += routed ? 1 : 0;
            }
            assertTrue(llm > 0 && llm < crm.length, llm + " of " + crm.length + " routed: both paths must be exercised");
            // mode crm: the CRM's answers throughout.
            r = post(s, "/v1/score", "{\"user\": \"" + knownUser + "\", \"items\": " + items(knownItems) + ", \"mode\": \"crm\"}");
            for (JsonNode x : JSON.readTree(r.body()).get("results")) {
                assertEquals("crm", x.get("answered_by").asText());
                assertEquals(x.get("crm_probability").floatValue(), x.get("probability").floatValue());
            }

            assertEquals(200, get(s, "/healthz").statusCode());
            IllegalArgumentException taken = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> CascadeServer.start(cascade, ServeSettings.defaults(), "127.0.0.1", s.port()));
            assertTrue(taken.getMessage().startsWith("cannot listen on 127.0.0.1:" + s.port()), taken.getMessage());
            HttpResponse<String> ready = get(s, "/readyz");
            assertEquals(200, ready.statusCode());
            assertTrue(JSON.readTree(ready.body()).get("ready").asBoolean());

            String metrics = get(s, "/metrics").body();
            assertEquals(1, metric(metrics, "tandem_http_requests_total{route=\"/healthz\",status=\"200\"}"));
            assertEquals(2, metric(metrics, "tandem_http_requests_total{route=\"/v1/score\",status=\"200\"}"));
            assertEquals(2, metric(metrics, "tandem_http_request_duration_seconds_count{route=\"/v1/score\",status=\"200\"}"));
            // bucket bounds as Prometheus' own clients write them
            assertTrue(metrics.contains("tandem_http_request_duration_seconds_bucket{route=\"/v1/score\",status=\"200\",le=\"0.001\"}"),
                    metrics);
            assertEquals(llm, metric(metrics, "tandem_items_answered_total{model=\"llm\"}"));
            assertEquals(2 * knownItems.size() - llm, metric(metrics, "tandem_items_answered_total{model=\"crm\"}"));
            assertEquals((double) llm / (2 * knownItems.size()), metric(metrics, "tandem_llm_answer_share"), 1e-5);
            assertEquals(0, metric(metrics, "tandem_llm_queue_depth"));

            // Every route served is in the OpenAPI document, and the document names no other.
            JsonNode paths = JSON.readTree(get(s, "/openapi.json").body()).get("paths");
            Set<String> documented = new java.util.TreeSet<>();
            paths.properties().forEach(p -> p.getValue().properties().forEach(m -> documented.add(
                    m.getKey().toUpperCase() + " " + p.getKey())));
            assertEquals(new java.util.TreeSet<>(CascadeServer.ROUTES), documented);
            for (String route : CascadeServer.ROUTES) {
                String[] mp = route.split(" ");
                int status = mp[0].equals("GET") ? get(s, mp[1]).statusCode() : post(s, mp[1], "{}").statusCode();
                assertTrue(status != 404 && status != 405, route + " answered " + status);
            }
        }
    }

    @Test
    void recommendsUnseenItemsRankedByTheCascade() throws Exception {
        try (CascadeServer s = start("{max_llm_share: 1, recommend_pool: 10}")) {
            HttpResponse<String> r = post(s, "/v1/recommend", "{\"user\": \"" + knownUser + "\", \"k\": 5}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode items = JSON.readTree(r.body()).get("items");
            assertEquals(5, items.size());
            int u = cascade.user(knownUser);
            double last = 2;
            for (int k = 0; k < items.size(); k++) {
                JsonNode x = items.get(k);
                assertEquals(k + 1, x.get("rank").asInt());
                assertTrue(x.get("probability").asDouble() <= last, r.body());
                last = x.get("probability").asDouble();
                assertTrue(!cascade.seen(u, cascade.item(x.get("item").asText())), "recommended a seen item: " + x);
            }
            // Given candidates, only they are ranked; an unknown one is cold.
            List<String> candidates = List.of(knownItems.get(0), knownItems.get(1), "new-9");
            r = post(s, "/v1/recommend", "{\"user\": \"" + knownUser + "\", \"k\": 3, \"candidates\": " + items(candidates) + "}");
            assertEquals(200, r.statusCode(), r.body());
            Set<String> got = new java.util.HashSet<>();
            JSON.readTree(r.body()).get("items").forEach(x -> got.add(x.get("item").asText()));
            assertEquals(Set.copyOf(candidates), got);
            assertTrue(r.body().contains("\"cold\":\"item\""), r.body());
        }
    }

    @Test
    void explainsTheRoutingDecisionOfOneItem() throws Exception {
        try (CascadeServer s = start("")) {
            int u = cascade.user(knownUser);
            ClickExamples e = cascade.requests(u, knownItems.stream().mapToInt(cascade::item).toArray());
            float[] crm = cascade.crm(e);
            int routed = 0;
            for (int k = 0; k < crm.length; k++) {
                HttpResponse<String> r = get(s, "/v1/explain?user=" + knownUser + "&item=" + knownItems.get(k));
                assertEquals(200, r.statusCode(), r.body());
                JsonNode x = JSON.readTree(r.body());
                assertEquals(crm[k], x.get("crm_probability").floatValue(), 1e-6);
                boolean routes = cascade.router().routes(crm[k]);
                assertEquals(routes, x.get("routes_to_llm").asBoolean());
                assertEquals(cascade.router().threshold(), x.get("entropy_threshold").asDouble(), 1e-12);
                assertEquals(cascade.router().budget(), x.get("routing_budget").asDouble(), 1e-12);
                assertEquals(x.get("crm_entropy").asDouble() >= cascade.router().threshold(), routes);
                assertTrue(x.get("reason").asText().startsWith("CRM entropy"), x.toString());
                assertEquals(cascade.promptText(cascade.prompt(e, k)), x.get("prompt").asText());
                assertTrue(x.get("cold") == null, x.toString());
                routed += routes ? 1 : 0;
            }
            assertTrue(routed > 0 && routed < crm.length, routed + " of " + crm.length + " routed");
            // Cold: an unknown item goes to the LLM only with a title to name it in the prompt.
            JsonNode x = JSON.readTree(get(s, "/v1/explain?user=" + knownUser + "&item=new-1").body());
            assertEquals("item", x.get("cold").asText());
            assertEquals(cascade.coldProbability(), x.get("crm_probability").floatValue(), 1e-7);
            assertTrue(!x.get("routes_to_llm").asBoolean() && x.get("prompt").isNull(), x.toString());
            assertTrue(x.get("reason").asText().contains("no_title"), x.toString());
            x = JSON.readTree(get(s, "/v1/explain?user=nobody&item=new-1&title=A%20Quiet%20Harbour").body());
            assertEquals("user+item", x.get("cold").asText());
            assertTrue(x.get("routes_to_llm").asBoolean(), x.toString());
            assertEquals(cascade.promptText(cascade.coldPrompt(-1, "A Quiet Harbour")), x.get("prompt").asText());
            assertTrue(x.get("prompt").asText().contains("A Quiet Harbour"), x.toString());
            // Missing or unknown query parameters: 422 naming them.
            HttpResponse<String> r = get(s, "/v1/explain?user=" + knownUser);
            assertEquals(422, r.statusCode());
            assertEquals("item is missing (a query parameter)", JSON.readTree(r.body()).get("error").asText());
            r = get(s, "/v1/explain?user=" + knownUser + "&item=x&items=y");
            assertEquals(422, r.statusCode());
            assertEquals("items is not a known query parameter (known: user, item, title)",
                    JSON.readTree(r.body()).get("error").asText());
        }
    }

    @Test
    void coldUsersAndItemsTakeTheTextPath() throws Exception {
        try (CascadeServer s = start("max_llm_share: 1")) {
            HttpResponse<String> r = post(s, "/v1/score", "{\"user\": \"nobody\", \"items\": [\"" + knownItems.get(0)
                    + "\", \"new-1\", \"new-2\"], \"context\": {\"titles\": {\"new-1\": \"A Quiet Harbour\"}}}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            assertTrue(body.get("cold_user").asBoolean());
            JsonNode x = body.get("results");
            assertEquals("user", x.get(0).get("cold").asText());
            assertEquals("llm", x.get(0).get("answered_by").asText());
            float expected = cascade.llm(new int[][] {cascade.coldPrompt(-1, cascade.title(0))})[0];
            assertEquals(expected, x.get(0).get("probability").floatValue(), 1e-4);
            assertEquals(cascade.coldProbability(), x.get(0).get("crm_probability").floatValue(), 1e-7);
            assertEquals("user+item", x.get(1).get("cold").asText());
            assertEquals("llm", x.get(1).get("answered_by").asText());
            // An unknown item without a title: nothing to prompt with, the CRM's default and why.
            assertEquals("crm", x.get(2).get("answered_by").asText());
            assertEquals("no_title", x.get(2).get("fallback").asText());
            assertEquals(cascade.coldProbability(), x.get(2).get("probability").floatValue(), 1e-7);
        }
    }

    @Test
    void badRequestsAreRefusedNamingTheProblem() throws Exception {
        try (CascadeServer s = start("max_body_bytes: 200")) {
            HttpResponse<String> r = post(s, "/v1/score", "{\"user\": \"u1\", \"items\": [");
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("malformed JSON: Unexpected end-of-input"), r.body());
            assertTrue(r.body().contains("(line 1, column 26)") && !r.body().contains("REDACTED"), r.body());
            r = post(s, "/v1/score", "{\"user\": \"u1\", \"items\": \"i1\"}");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().contains("items must be a list of strings"), r.body());
            r = post(s, "/v1/score", "{\"items\": [\"i1\"]}");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().contains("user is missing"), r.body());
            r = post(s, "/v1/score", "{\"user\": \"u1\", \"items\": [\"i1\", 7]}");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().contains("items[1] must be a non-empty string"), r.body());
            r = post(s, "/v1/score", "{\"user\": \"u1\", \"itemz\": [\"i1\"]}");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().contains("itemz is not a known field"), r.body());
            r = post(s, "/v1/recommend", "{\"user\": \"u1\", \"k\": \"3\"}");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().contains("k must be an integer"), r.body());
            r = post(s, "/v1/score", "{\"user\": \"u1\", \"items\": " + items(java.util.Collections.nCopies(40, "item-id")) + "}");
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().contains("max_body_bytes"), r.body());
            String metrics = get(s, "/metrics").body();
            assertEquals(1, metric(metrics, "tandem_http_requests_total{route=\"/v1/score\",status=\"413\"}"));
            assertEquals(4, metric(metrics, "tandem_http_requests_total{route=\"/v1/score\",status=\"422\"}"));
        }
    }

    @Test
    void concurrentRequestsShareLlmBatches() throws Exception {
        try (CascadeServer s = start("{max_llm_share: 1, max_batch: 8, max_wait_ms: 400}")) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(postAsync(s, "/v1/score", "{\"user\": \"stranger-" + i + "\", \"items\": [\"" + knownItems.get(i) + "\"]}"));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get();
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("llm", JSON.readTree(r.body()).get("results").get(0).get("answered_by").asText());
            }
            String metrics = get(s, "/metrics").body();
            double batches = metric(metrics, "tandem_llm_batch_size_count");
            assertEquals(8, metric(metrics, "tandem_llm_batch_size_sum"));
            assertTrue(batches >= 1 && batches < 8, batches + " LLM batches for 8 requests");
        }
    }

    @Test
    void aSaturatedLlmFallsBackToTheCrmAndSaysSo() throws Exception {
        try (CascadeServer s = start("{max_llm_share: 1, max_batch: 4, max_wait_ms: 300, llm_queue: 1}")) {
            HttpResponse<String> r = post(s, "/v1/score", "{\"user\": \"stranger\", \"items\": " + items(knownItems.subList(0, 3)) + "}");
            JsonNode x = JSON.readTree(r.body()).get("results");
            assertEquals("llm", x.get(0).get("answered_by").asText());
            for (int k = 1; k < 3; k++) {
                assertEquals("crm", x.get(k).get("answered_by").asText());
                assertEquals("llm_saturated", x.get(k).get("fallback").asText());
            }
            assertEquals(2, metric(get(s, "/metrics").body(), "tandem_llm_fallbacks_total{reason=\"llm_saturated\"}"));
        }
        // The share the LLM may answer: here none beyond one batch of slack.
        try (CascadeServer s = start("{max_llm_share: 0, max_batch: 2, max_wait_ms: 0}")) {
            HttpResponse<String> r = post(s, "/v1/score", "{\"user\": \"stranger\", \"items\": " + items(knownItems.subList(0, 5)) + "}");
            JsonNode x = JSON.readTree(r.body()).get("results");
            int budget = 0;
            for (JsonNode item : x) {
                budget += item.path("fallback").asText().equals("llm_budget") ? 1 : 0;
            }
            assertEquals(3, budget, r.body());
        }
    }

    @Test
    void tooManyInFlightAndGracefulShutdown() throws Exception {
        CascadeServer s = start("{max_llm_share: 1, max_in_flight: 1, threads: 9, max_batch: 8, max_wait_ms: 1500}");
        CompletableFuture<HttpResponse<String>> slow = postAsync(s, "/v1/score", "{\"user\": \"stranger\", \"items\": [\""
                + knownItems.get(0) + "\"]}");
        Thread.sleep(400);
        HttpResponse<String> refused = post(s, "/v1/score", "{\"user\": \"u1\", \"items\": [\"" + knownItems.get(0) + "\"]}");
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
        // A shutdown while the slow request waits for its LLM batch: it still gets its answer.
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
        Thread.sleep(200);
        HttpResponse<String> late = post(s, "/v1/score", "{\"user\": \"u1\", \"items\": [\"" + knownItems.get(0) + "\"]}");
        assertEquals(503, late.statusCode(), late.body());
        assertNotNull(late.headers().firstValue("Retry-After").orElse(null));
        assertEquals(503, get(s, "/readyz").statusCode());
        HttpResponse<String> r = slow.get();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("llm", JSON.readTree(r.body()).get("results").get(0).get("answered_by").asText());
        closing.get();
    }
}
