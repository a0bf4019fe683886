package org.tandemrec.collab.corella;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.DcnV2Inference;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.CorellaPrompts;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;

/**
 * The cascade a CoReLLa run evaluated, rebuilt from its {@link CascadeFile} for serving: the
 * jointly trained DCNv2 and the LoRA-tuned LLM with their Platt calibrations, the router, the
 * split's id maps and titles, and each user's latest history. Every path the file names is
 * resolved against the CoReLLa run directory and must lie inside {@code root}: a server reads
 * nothing outside the directory it was given.
 *
 * <p>The CRM side answers requests through {@link DcnV2Inference} (plain Java: a native call per
 * request costs more than the request's whole forward pass) and may be called from many threads
 * at once; the offline {@link #cascade()} keeps the native forward. The LLM side is serialised
 * here (one decoder, one native manager), so a server batches its requests before calling it.
 */
public final class ServedCascade implements AutoCloseable {
    /** Prompts per LLM forward pass, as the run scored them. */
    private static final int LLM_BATCH = 16;

    private final CascadeFile file;
    private final NDManager manager;
    private final DecoderWeights base;
    private final LoraAdapter adapter;
    private final LlmTokenizer tokenizer;
    private final ClickLanguageModel lm;
    private final DcnV2Inference crm;
    private final PlattScaling crmCalibration;
    private final IdMap users;
    private final IdMap items;
    private final String[] titles;
    private final ClickExamples.Latest latest;
    private final int[][] seen;
    private final int[] byPopularity;
    private final Cascade cascade;

    private ServedCascade(CascadeFile file, NDManager manager, DecoderWeights base, LoraAdapter adapter,
                          LlmTokenizer tokenizer, DcnV2 crm, SplitData split) {
        this.file = file;
        this.manager = manager;
        this.base = base;
        this.adapter = adapter;
        this.tokenizer = tokenizer;
        this.crm = DcnV2Inference.of(crm);
        this.crmCalibration = file.crmCalibration();
        CorellaPrompts prompts = new CorellaPrompts(CascadeFile.promptConfig(file.historyItems(), file.promptTokens()),
                split.itemInfo(), split.userProfiles(), text -> tokenizer.encode(text).length);
        this.lm = new ClickLanguageModel(new Decoder(base, adapter), tokenizer, prompts, file.style(), LLM_BATCH);
        this.users = split.users();
        this.items = split.items();
        this.titles = new String[split.numItems()];
        for (int i = 0; i < titles.length; i++) {
            String t = i < split.itemInfo().size() ? split.itemInfo().get(i).title() : "";
            titles[i] = t.isEmpty() ? "item " + i : t;
        }
        this.latest = ClickExamples.latest(split, file.historyItems());
        this.seen = ClickExamples.latest(split, Integer.MAX_VALUE).items();
        for (int[] s : seen) {
            Arrays.sort(s);
        }
        int[] counts = split.train().itemCounts();
        this.byPopularity = java.util.stream.IntStream.range(0, counts.length).boxed()
                .sorted((a, b) -> counts[a] != counts[b] ? Integer.compare(counts[b], counts[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
        this.cascade = new Cascade(CalibratedScorers.crm(crm, file.crmCalibration()), e -> {
            int[][] ids = new int[e.size()][];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = lm.prompt(e, k);
            }
            return llm(ids);
        }, file.router());
    }

    /**
     * Loads the cascade of the run directory {@code runDir} (the CoReLLa run {@link #findRun}
     * finds in it). Nothing outside {@code runDir} is read.
     */
    public static ServedCascade loadRun(Path runDir) throws IOException {
        return load(runDir, findRun(runDir));
    }

    /**
     * The CoReLLa run of the run directory {@code runDir}: itself ({@code corella-llm/cascade.json}
     * in it), its {@code corella/} (the demo's), or the one CoReLLa model of a {@code tandem run}
     * experiment in {@code models/ID/} (several: the caller must choose).
     */
    public static Path findRun(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new DataFormatException(runDir, "not a directory");
        }
        for (Path dir : new Path[] {runDir, runDir.resolve("corella")}) {
            if (hasCascade(dir)) {
                return dir;
            }
        }
        // An experiment of tandem run keeps each model's run in models/ID/.
        List<Path> found = new ArrayList<>();
        Path models = runDir.resolve("models");
        if (Files.isDirectory(models)) {
            try (Stream<Path> dirs = Files.list(models)) {
                dirs.filter(ServedCascade::hasCascade).sorted().forEach(found::add);
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.size() > 1) {
            throw new UsageException(runDir + ": " + found.size() + " CoReLLa runs here ("
                    + found.stream().map(d -> runDir.relativize(d).toString()).collect(Collectors.joining(", "))
                    + "); choose one with --corella");
        }
        throw new DataFormatException(runDir, "no CoReLLa cascade here (corella-llm/" + CascadeFile.FILE_NAME
                + ", corella/corella-llm/" + CascadeFile.FILE_NAME + " or models/ID/corella-llm/" + CascadeFile.FILE_NAME
                + "); serve a run of tandem corella, tandem demo or tandem run made by this version");
    }

    private static boolean hasCascade(Path dir) {
        return Files.isRegularFile(dir.resolve(CorellaRun.ADAPTER_DIR).resolve(CascadeFile.FILE_NAME));
    }

    /**
     * Loads the cascade of the CoReLLa run in {@code corellaDir} (which holds {@code
     * corella-llm/cascade.json}); every path must resolve inside {@code root}.
     */
    public static ServedCascade load(Path root, Path corellaDir) throws IOException {
        Path home;
        try {
            home = inside(root, corellaDir, ".", "the CoReLLa run directory");
        } catch (DataFormatException e) {
            // Outside the run directory is the choice of the user (--corella), not a path written in a
            // file: a usage error. A missing directory stays a missing file.
            throw Files.exists(corellaDir) ? new UsageException(e.getMessage(), e) : e;
        }
        Path json = home.resolve(CorellaRun.ADAPTER_DIR).resolve(CascadeFile.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(json, "not found (a CoReLLa run of this version writes it)");
        }
        CascadeFile f = CascadeFile.read(json);
        Path llmDir = inside(root, home, f.llmDir(), json + ": llm_dir");
        Path splitDir = inside(root, home, f.splitDir(), json + ": split_dir");
        Path adapterDir = inside(root, home, f.adapterDir(), json + ": adapter_dir");
        Path crmFile = inside(root, home, f.crmFile(), json + ": crm_file");
        SplitData split = SplitDirectory.read(splitDir);
        // The DCNv2 file records the split it was trained on: cascade.json naming another is refused.
        ModelFile.requireSameIds(crmFile, splitDir, SplitIdentity.idsSha256(split));
        DcnV2 crm = DcnV2.load(crmFile);
        if (crm.numUsers() != split.numUsers() || crm.numItems() != split.numItems()) {
            throw new DataFormatException(crmFile, "a DCNv2 of " + crm.numUsers() + " users and " + crm.numItems()
                    + " items, but " + splitDir + " has " + split.numUsers() + " and " + split.numItems());
        }
        NDManager m = TensorDevice.newManager();
        DecoderWeights base = null;
        LoraAdapter adapter = null;
        LlmTokenizer tok = null;
        try {
            base = DecoderWeights.load(llmDir, m);
            adapter = LoraAdapter.load(adapterDir, base, m);
            tok = LlmTokenizer.load(llmDir, base.config().vocabSize());
            return new ServedCascade(f, m, base, adapter, tok, crm, split);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {tok, adapter, base}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // the load's own error is the one to report
                    }
                }
            }
            m.close();
            throw e;
        }
    }

    /**
     * {@code rel} resolved against {@code base}, normalised, and refused unless it lies inside
     * {@code root} — also after following symbolic links, when it exists.
     */
    static Path inside(Path root, Path base, String rel, String what) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        Path p = base.toAbsolutePath().normalize().resolve(rel).normalize();
        boolean in = p.startsWith(r);
        if (in && Files.exists(p)) {
            in = p.toRealPath().startsWith(r.toRealPath());
        }
        if (!in) {
            throw new DataFormatException(what + " " + rel + " points outside " + root + "; a server reads only"
                    + " files inside the run directory it serves");
        }
        if (!Files.exists(p)) {
            throw new DataFormatException(what + " " + rel + ": " + p + " does not exist");
        }
        return p;
    }

    /** The SHA-256 of the served split's id maps ({@link SplitIdentity#idsSha256(IdMap, IdMap)}). */
    public String splitIdsSha256() {
        return SplitIdentity.idsSha256(users, items);
    }

    public CascadeFile file() {
        return file;
    }

    public EntropyRouter router() {
        return cascade.router();
    }

    /** The cascade over examples of this run's split (its offline form; a server routes itself). */
    public Cascade cascade() {
        return cascade;
    }

    /** The index of a user id of the data set, or −1 when the run has none. */
    public int user(String rawId) {
        return users.indexOf(rawId);
    }

    /** The index of an item id of the data set, or −1 when the run has none. */
    public int item(String rawId) {
        return items.indexOf(rawId);
    }

    public String userId(int user) {
        return users.raw(user);
    }

    public int numUsers() {
        return users.size();
    }

    public String itemId(int item) {
        return items.raw(item);
    }

    public int numItems() {
        return items.size();
    }

    /** The user's latest rated items, oldest first (the history a request shows). */
    public int[] history(int user) {
        return latest.items()[user];
    }

    /** Whether the split holds a row of {@code user} with {@code item} (any part). */
    public boolean seen(int user, int item) {
        return Arrays.binarySearch(seen[user], item) >= 0;
    }

    /** The items by their training interactions, most first (ties by index). */
    public int[] itemsByPopularity() {
        return byPopularity.clone();
    }

    /** Requests of a known user for known items, each with the user's latest history (labels unknown: 0). */
    public ClickExamples requests(int user, int[] itemIndexes) {
        int n = itemIndexes.length;
        int[] us = new int[n];
        Arrays.fill(us, user);
        int[][] hs = new int[n][];
        float[][] rs = new float[n][];
        Arrays.fill(hs, latest.items()[user]);
        Arrays.fill(rs, latest.ratings()[user]);
        return new ClickExamples(us, itemIndexes.clone(), hs, rs, new float[n]);
    }

    /** The CRM's calibrated click probabilities. Thread-safe. */
    public float[] crm(ClickExamples requests) {
        return CalibratedScorers.scaled(crmCalibration, crm.logits(requests.users(), requests.items(),
                requests.histories()));
    }

    /**
     * The CRM's calibrated click probabilities of a known user's known items, with the user's
     * latest history (what {@link #requests} holds): the request path, without building examples.
     * Thread-safe.
     */
    public float[] crm(int user, int[] itemIndexes) {
        float[] z = crm.logits(user, itemIndexes, latest.items()[user]);
        for (int k = 0; k < z.length; k++) {
            z[k] = crmCalibration.probability(z[k]);
        }
        return z;
    }

    /** The LLM prompt of request {@code k}. */
    public int[] prompt(ClickExamples requests, int k) {
        return lm.prompt(requests, k);
    }

    /**
     * The cold path's prompt: text only, for a target named {@code title}; {@code user} −1 (unknown)
     * shows no profile and no history, a known user their latest history.
     */
    public int[] coldPrompt(int user, String title) {
        if (user < 0) {
            return lm.coldPrompt(-1, new int[0], new float[0], title);
        }
        return lm.coldPrompt(user, latest.items()[user], latest.ratings()[user], title);
    }

    /** The text of prompt token ids, special tokens included: what the LLM reads. */
    public String promptText(int[] prompt) {
        synchronized (tokenizer) {
            return tokenizer.decode(prompt, false);
        }
    }

    /** The title a known item is shown with in prompts. */
    public String title(int item) {
        return titles[item];
    }

    /** The LLM's calibrated click probabilities of prompts. Calls are serialised: one decoder. */
    public synchronized float[] llm(int[][] prompts) {
        return CalibratedScorers.scaled(file.llmCalibration(), Logistic.logits(lm.probabilities(manager, prompts)));
    }

    /** The CRM's answer where it has no row for the user or the item: the validation click rate. */
    public float coldProbability() {
        return file.coldProbability();
    }

    @Override
    public synchronized void close() {
        synchronized (tokenizer) {
            tokenizer.close();
        }
        adapter.close();
        base.close();
        manager.close();
    }
}
