package org.tandemrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket and
 * Jackson: started on a fresh profile with a debugging port of the system's choosing, one page
 * target, commands answered by id, events kept in arrival order. Every wait is bounded by
 * {@code timeout}; {@link #close} kills the browser and every process it started.
 */
final class HeadlessChromium implements AutoCloseable {
    /** Debian's package installs it here. */
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final Duration timeout;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();

    private HeadlessChromium(Process process, Path profile, Duration timeout, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.timeout = timeout;
        this.socket = socket;
    }

    /** Starts the browser with its profile in {@code profile} (a fresh directory) and attaches to its page. */
    static HeadlessChromium start(Path profile, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
                .start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!(Files.isRegularFile(portFile) && Files.readString(portFile).contains("\n"))) {
                if (!p.isAlive()) {
                    throw new IOException("chromium exited with code " + p.exitValue() + " before opening its debugging port");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("chromium opened no debugging port within " + timeout);
                }
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readString(portFile).lines().findFirst().orElseThrow().strip());
            HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
            String page = null;
            while (page == null) {
                HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode target : JSON.readTree(list.body())) {
                    if ("page".equals(target.path("type").asText())) {
                        page = target.path("webSocketDebuggerUrl").asText();
                    }
                }
                if (page == null && System.nanoTime() > deadline) {
                    throw new IOException("chromium shows no page target within " + timeout);
                }
                Thread.sleep(page == null ? 50 : 0);
            }
            Holder holder = new Holder();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(URI.create(page), holder).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            HeadlessChromium c = new HeadlessChromium(p, profile, timeout, ws);
            holder.owner = c;
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            kill(p);
            throw e;
        } catch (Exception e) {
            kill(p);
            throw new IOException("cannot attach to chromium: " + e, e);
        }
    }

    /** Sends a command and waits for its result; a protocol error fails. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params == null ? JSON.createObjectNode() : params);
        socket.sendText(JSON.writeValueAsString(msg), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        JsonNode r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r.path("result");
    }

    JsonNode call(String method) throws Exception {
        return call(method, null);
    }

    /** A future for the next event named {@code method}: register it before the command that causes it. */
    CompletableFuture<JsonNode> next(String method) {
        return awaited.computeIfAbsent(method, m -> new CompletableFuture<>());
    }

    <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every event received so far, in order. */
    List<JsonNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    private void received(String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) {
                f.complete(msg);
            }
        } else if (msg.has("method")) {
            synchronized (events) {
                events.add(msg);
            }
            CompletableFuture<JsonNode> f = awaited.remove(msg.get("method").asText());
            if (f != null) {
                f.complete(msg.path("params"));
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        kill(process);
        // The profile links its singleton socket to a directory of its own under /tmp: removed
        // here, since a killed browser leaves it behind.
        Path link = profile.resolve("SingletonSocket");
        if (Files.isSymbolicLink(link)) {
            Path socketDir = Files.readSymbolicLink(link).getParent();
            Files.delete(link);
            if (socketDir != null && socketDir.getFileName().toString().startsWith("org.chromium.Chromium.")) {
                org.tandemrec.base.Directories.deleteTree(socketDir);
            }
        }
    }

    private static void kill(Process p) {
        // /usr/bin/chromium is a script: the browser and its helpers are its descendants.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Joins text frames into messages and hands them on. */
    private static final class Holder implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (owner != null) {
                    owner.received(text);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
