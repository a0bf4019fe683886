package org.tandemrec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.JsonFile;

/**
 * {@code manifest.json} of a {@code tandem run} directory (format {@code tandem-run-manifest}
 * v1): where the run came from — the Tandem version and git commit, the experiment's name and
 * seed, the SHA-256 of every data file read, of each split's manifest and of the LLM's files —
 * when it started, was resumed and finished, and on which machine. Timings live here, not in
 * {@code metrics.json}, so two runs of one experiment give the same {@code metrics.json}.
 */
final class RunManifest {
    static final String FILE_NAME = "manifest.json";
    static final String FORMAT = "tandem-run-manifest";
    static final int VERSION = 1;
    /** Files above this size are listed with their size only: hashing a 7B checkpoint would take minutes. */
    private static final long MAX_HASHED_BYTES = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    private RunManifest(ObjectNode root) {
        this.root = root;
    }

    /** A new run's manifest: provenance, machine and start time. */
    static RunManifest start(Experiment e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("tandem", RunFiles.toolVersion());
        o.put("git_commit", gitCommit());
        o.put("experiment", e.name());
        o.put("seed", e.seed());
        o.put("started", Instant.now().toString());
        o.putArray("resumed");
        o.set("machine", machine());
        return new RunManifest(o);
    }

    /** The manifest of an interrupted run, with this resumption's time and machine added. */
    static RunManifest resume(Path dir, Experiment e) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return start(e);
        }
        JsonNode o = JsonFile.read(f);
        if (!FORMAT.equals(o.path("format").asText()) || o.path("version").asInt(-1) != VERSION) {
            throw new DataFormatException(f, "expected format " + FORMAT + " version " + VERSION);
        }
        ObjectNode m = (ObjectNode) o;
        m.withArray("resumed").addObject().put("at", Instant.now().toString()).put("git_commit", gitCommit())
                .set("machine", machine());
        return new RunManifest(m);
    }

    /** The data files read, with their SHA-256. */
    void data(String source, List<Path> files) throws IOException {
        ObjectNode d = root.putObject("data");
        d.put("source", source);
        d.set("files", hashes(files));
    }

    /** A split directory of the run: where, and the SHA-256 of its manifest (which holds every file's). */
    void split(String name, Path dir) throws IOException {
        Path mf = dir.resolve(org.tandemrec.split.SplitManifest.FILE_NAME);
        root.with("splits").putObject(name).put("dir", dir.getFileName().toString()).put("manifest_sha256", sha256(mf));
    }

    /** The LLM: its directory and its files' SHA-256, with what pre-training reported when it ran here. */
    void llm(Path dir, Map<String, String> pretrain) throws IOException {
        ObjectNode l = root.putObject("llm");
        l.put("dir", dir.toString());
        try (Stream<Path> s = Files.list(dir)) {
            l.set("files", hashes(s.filter(Files::isRegularFile).sorted().toList()));
        }
        ObjectNode p = l.putObject("pretrain");
        pretrain.forEach(p::put);
    }

    /** Marks the end of the run. */
    void finish() {
        root.put("finished", Instant.now().toString());
    }

    void write(Path dir) throws IOException {
        AtomicFile.writeString(dir.resolve(FILE_NAME), JSON.writeValueAsString(root) + "\n");
    }

    private static ObjectNode hashes(List<Path> files) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        for (Path f : files) {
            long size = Files.size(f);
            o.put(f.toString(), size > MAX_HASHED_BYTES ? "size " + size + " (not hashed)" : sha256(f));
        }
        return o;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode machine() {
        Runtime rt = Runtime.getRuntime();
        ObjectNode m = JSON.createObjectNode();
        m.put("host", host());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("cpus", rt.availableProcessors());
        m.put("max_heap_bytes", rt.maxMemory());
        m.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        m.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        return m;
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The commit of the source tree Tandem runs from ({@code target/classes} or the jar beside it),
     * with {@code +dirty} when tracked files differ from it; {@code unknown} outside a git checkout.
     */
    static String gitCommit() {
        try {
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent();
            String head = git(dir, "rev-parse", "HEAD");
            if (head == null || head.isEmpty()) {
                return "unknown";
            }
            String status = git(dir, "status", "--porcelain", "--untracked-files=no");
            return status == null || status.isEmpty() ? head : head + "+dirty";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroy();
            return null;
        }
        return new String(out, StandardCharsets.UTF_8).strip();
    }
}
