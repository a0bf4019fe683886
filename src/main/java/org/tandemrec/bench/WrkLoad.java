package org.tandemrec.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRM-only phase of {@link ServeBenchmark} driven by {@code wrk} (Debian's package) instead of
 * Java client threads: a load generator in C costs the two shared cores far less per request, so
 * the figure comes closer to what the server alone sustains. One wrk thread keeps
 * {@code connections} keep-alive connections busy for {@code seconds}, each request a one-item
 * score of a user and an item drawn from the served ids (a seeded sample written into the Lua
 * script wrk runs).
 */
public final class WrkLoad {
    /** What wrk measured: requests, per second, latency quantiles in ms, and failed responses. */
    public record Result(long requests, double requestsPerSecond, double p50Ms, double p99Ms, long errors) {
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern QUANTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private WrkLoad() {
    }

    /** Whether {@code wrk} is on the PATH. */
    public static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wrk"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs wrk against {@code POST /v1/score} on 127.0.0.1:{@code port} with {@code "mode": "crm"}.
     *
     * @param users served user ids to draw from; {@code items} likewise
     */
    public static Result crmPhase(int port, List<String> users, List<String> items, int connections, double seconds,
                                  long seed) throws IOException, InterruptedException {
        Path script = Files.createTempFile("tandem-wrk", ".lua");
        try {
            Files.writeString(script, script(users, items, seed), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + Math.max(1, Math.round(seconds)) + "s",
                    "--latency", "-s", script.toString(), "http://127.0.0.1:" + port + "/")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor((long) seconds + 60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("wrk did not finish within " + ((long) seconds + 60) + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("wrk exited with " + p.exitValue() + ": " + out.strip());
            }
            return parse(out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The Lua script: a seeded sample of at most 1,000 users and items, requests cycling through them. */
    static String script(List<String> users, List<String> items, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder s = new StringBuilder("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n");
        s.append("local bodies = {\n");
        int n = 1000;
        for (int k = 0; k < n; k++) {
            String u = users.get(r.nextInt(users.size()));
            String i = items.get(r.nextInt(items.size()));
            s.append("  '{\"user\":").append(luaJson(u)).append(",\"items\":[").append(luaJson(i))
                    .append("],\"mode\":\"crm\"}',\n");
        }
        s.append("}\nlocal n = 0\nrequest = function()\n  n = n % #bodies + 1\n")
                .append("  return wrk.format(nil, \"/v1/score\", nil, bodies[n])\nend\n");
        return s.toString();
    }

    /** A JSON string literal safe inside a single-quoted Lua string. */
    private static String luaJson(String id) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : id.toCharArray()) {
            if (c == '"' || c == '\\' || c == '\'' || c < 0x20 || c > 0x7e) {
                b.append(String.format(Locale.ROOT, "\\\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** wrk's report with {@code --latency}. */
    static Result parse(String out) {
        Matcher requests = REQUESTS.matcher(out);
        Matcher rate = RATE.matcher(out);
        if (!requests.find() || !rate.find()) {
            throw new IllegalArgumentException("wrk's output has no request count or rate: " + out.strip());
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher q = QUANTILE.matcher(out);
        while (q.find()) {
            double v = Double.parseDouble(q.group(2)) * switch (q.group(3)) {
                case "us" -> 1e-3;
                case "s" -> 1e3;
                default -> 1;
            };
            if (q.group(1).equals("50")) {
                p50 = v;
            } else {
                p99 = v;
            }
        }
        long errors = 0;
        Matcher bad = NON_2XX.matcher(out);
        if (bad.find()) {
            errors += Long.parseLong(bad.group(1));
        }
        Matcher socket = SOCKET.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return new Result(Long.parseLong(requests.group(1)), Double.parseDouble(rate.group(1)), p50, p99, errors);
    }
}
