package org.tandemrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.data.DataFormatException;

/**
 * Where the engine's time went, from a PyTorch profiler trace (Chrome trace format: complete
 * events {@code "ph": "X"} with name, thread, start and duration in microseconds, nested when
 * one operator calls another). Each operator's <em>self</em> time is its duration less that of
 * the operators it called directly on its thread, so the self times of a thread add up to the
 * time it spent inside the engine, and {@code aten::mm}'s self time is the matrix products alone.
 *
 * @param operators     per operator name: calls and self seconds, the largest first
 * @param engineSeconds the wall seconds during which some thread was inside an operator (the
 *                      union of the top-level operators' spans over all threads: the backward
 *                      runs on a thread of its own while the caller waits)
 */
public record OperatorProfile(List<Operator> operators, double engineSeconds) {
    /** One operator name's calls and self time. */
    public record Operator(String name, long calls, double selfSeconds) {
    }

    public OperatorProfile {
        operators = List.copyOf(operators);
    }

    /** Reads a trace written by the PyTorch profiler. */
    public static OperatorProfile read(Path trace) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new DataFormatException(trace + ": not a readable profiler trace: " + e.getMessage());
        }
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        if (!events.isArray()) {
            throw new DataFormatException(trace + ": no trace events (expected an array, or an object with traceEvents)");
        }
        Map<String, List<double[]>> byThread = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText()) || !e.path("dur").isNumber() || !e.path("ts").isNumber()) {
                continue;
            }
            String thread = e.path("pid").asText() + "/" + e.path("tid").asText();
            names.add(e.path("name").asText());
            byThread.computeIfAbsent(thread, t -> new ArrayList<>())
                    .add(new double[] {e.path("ts").asDouble(), e.path("dur").asDouble(), names.size() - 1});
        }
        return of(names, byThread.values());
    }

    /** Self times of events {start µs, duration µs, name index}, per thread. */
    static OperatorProfile of(List<String> names, Iterable<List<double[]>> threads) {
        Map<String, double[]> totals = new HashMap<>();
        List<double[]> topLevel = new ArrayList<>();
        for (List<double[]> events : threads) {
            // Parents start no later than their children and last at least as long.
            events.sort(Comparator.<double[]>comparingDouble(e -> e[0]).thenComparing(e -> -e[1]));
            double[] self = new double[events.size()];
            Deque<Integer> open = new ArrayDeque<>();
            for (int k = 0; k < events.size(); k++) {
                double[] e = events.get(k);
                while (!open.isEmpty() && end(events.get(open.peek())) <= e[0]) {
                    open.pop();
                }
                self[k] = e[1];
                if (open.isEmpty()) {
                    topLevel.add(e);
                } else {
                    self[open.peek()] -= Math.min(e[1], end(events.get(open.peek())) - e[0]);
                }
                open.push(k);
            }
            for (int k = 0; k < events.size(); k++) {
                double[] t = totals.computeIfAbsent(names.get((int) events.get(k)[2]), n -> new double[2]);
                t[0]++;
                t[1] += Math.max(0, self[k]);
            }
        }
        List<Operator> ops = new ArrayList<>();
        totals.forEach((name, t) -> ops.add(new Operator(name, (long) t[0], t[1] / 1e6)));
        ops.sort(Comparator.comparingDouble(Operator::selfSeconds).reversed().thenComparing(Operator::name));
        return new OperatorProfile(ops, union(topLevel) / 1e6);
    }

    /** The length of the union of the spans {start, duration}. */
    private static double union(List<double[]> spans) {
        spans.sort(Comparator.comparingDouble(e -> e[0]));
        double total = 0;
        double from = Double.NaN;
        double to = Double.NaN;
        for (double[] e : spans) {
            if (Double.isNaN(to) || e[0] > to) {
                total += Double.isNaN(to) ? 0 : to - from;
                from = e[0];
                to = end(e);
            } else {
                to = Math.max(to, end(e));
            }
        }
        return total + (Double.isNaN(to) ? 0 : to - from);
    }

    /** The operators' self seconds, all together. */
    public double selfSeconds() {
        return operators.stream().mapToDouble(Operator::selfSeconds).sum();
    }

    private static double end(double[] e) {
        return e[0] + e[1];
    }

    /** Self seconds of the operators whose name is one of {@code names}. */
    public double selfSeconds(List<String> names) {
        return operators.stream().filter(o -> names.contains(o.name())).mapToDouble(Operator::selfSeconds).sum();
    }
}
