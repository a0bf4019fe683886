package org.tandemrec.llm.sft;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.Directories;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.AvailableMemory;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.TrainResult;

/**
 * One supervised fine-tuning run from files to files: a Hugging Face checkpoint directory and
 * {@link SftDataFile} examples in, a trained adapter or model out. The run directory holds
 * <pre>
 *   adapter/            mode lora: the PEFT adapter (adapter_config.json, adapter_model.safetensors)
 *   model/              mode full, or lora with id_token_rows_from: the model in Hugging Face layout
 *                       (with lora its trained ID-token rows; the adapter's base_model_name_or_path
 *                       points here)
 *   checkpoint.bin      while training: the trainer's checkpoint (trainable tensors, AdamW moments,
 *                       step); --resume continues from it exactly
 *   sft-steps.tsv       while training: every step's loss, so a resumed run keeps the whole curve
 *   sft-run.json        written last ({@link SftRunRecord}): settings, loss curve, timing
 * </pre>
 * Output directories are written under a temporary name and renamed into place. Everything that
 * can be checked — the model's config, the settings against it, both data files, the memory
 * needed — is checked before training starts.
 *
 * @param model     base checkpoint directory (config.json, safetensors, tokenizer.json)
 * @param trainData training examples
 * @param validData validation examples, or null
 * @param out       run directory
 * @param config    the settings
 */
public record SftJob(Path model, Path trainData, Path validData, Path out, SftConfig config) {
    public static final String RUN_FILE = "sft-run.json";
    public static final String CHECKPOINT = "checkpoint.bin";
    public static final String STEP_LOG = "sft-steps.tsv";
    public static final String ADAPTER_DIR = "adapter";
    public static final String MODEL_DIR = "model";

    public SftJob {
        if (model == null || trainData == null || out == null || config == null) {
            throw new IllegalArgumentException("model, training data, output directory and settings must be given");
        }
    }

    /** Trains and writes the outputs; {@code resume} continues from the run directory's checkpoint. */
    public SftRunRecord run(boolean resume, boolean showProgress) throws IOException {
        return run(resume, showProgress, FreeSpace.SYSTEM);
    }

    /** As {@link #run(boolean, boolean)}, with the run directory's free disk from {@code free}. */
    public SftRunRecord run(boolean resume, boolean showProgress, FreeSpace free) throws IOException {
        if (!Files.isDirectory(model)) {
            throw new DataFormatException("model " + model + " is not a directory");
        }
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new DataFormatException("model " + model + " has no config.json");
        }
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
            throw new DataFormatException("model " + model + " has no tokenizer.json");
        }
        if (out.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
            throw new UsageException("the output directory must differ from the model directory");
        }
        LlamaConfig mc = LlamaConfig.load(model);
        if (config.idTokenRowsFrom() >= mc.vocabSize()) {
            throw new UsageException("id_token_rows_from " + config.idTokenRowsFrom() + " must be below the model's vocab_size "
                    + mc.vocabSize());
        }
        if (config.patience() > 0 && validData == null) {
            throw new UsageException("patience " + config.patience() + " needs validation data");
        }
        List<SftExample> train = SftDataFile.read(trainData);
        List<SftExample> valid = validData == null ? List.of() : SftDataFile.read(validData);
        int maxLength = Math.min(config.maxLength(), mc.maxPositionEmbeddings());
        boolean copy = config.mode() == SftConfig.Mode.FULL || config.idTokenRowsFrom() >= 0;
        // Optimiser state lives with the tensors; the heap holds the best epoch's values while
        // validating, and a resumed checkpoint, read in full (values, both moments and the best
        // values) before it is applied.
        SftMemory memory = new SftMemory(mc, config, 0, maxLength);
        memory.check(AvailableMemory.now(), model, validData == null ? 3 : 4);
        // A checkpoint at every epoch end: with two epochs one replaces another (a resumed run may write only one more).
        Path existing = out.resolve(CHECKPOINT);
        boolean resuming = resume && Files.exists(existing);
        memory.footprint("llm sft (" + config.mode().key() + ")", validData != null, !resuming && config.epochs() > 1, true)
                .checkDisk(out, free.bytes(out), Files.isRegularFile(existing) ? Files.size(existing) : 0);

        Files.createDirectories(out);
        // A run trained again in place must not look finished with the earlier run's record.
        Files.deleteIfExists(out.resolve(RUN_FILE));
        Path checkpoint = out.resolve(CHECKPOINT);
        StepLog stepLog = new StepLog(out.resolve(STEP_LOG));
        if (!resume || !Files.exists(checkpoint)) {
            Files.deleteIfExists(checkpoint);
            stepLog.delete();
        }
        try (NDManager m = TensorDevice.newManager(); DecoderWeights loaded = DecoderWeights.load(model, m);
             LlmTokenizer tok = LlmTokenizer.load(model, loaded.config().vocabSize())) {
            List<SftSequence> trainSeqs = encode(tok, train, mc, maxLength, trainData);
            List<SftSequence> validSeqs = encode(tok, valid, mc, maxLength, validData);
            // Trained tensors must be writable: the loaded ones are the read-only mapped file.
            try (DecoderWeights w = copy ? loaded.with(mc, Map.of(), m) : null) {
                DecoderWeights weights = w != null ? w : loaded;
                String base = (config.idTokenRowsFrom() >= 0 ? out.resolve(MODEL_DIR) : model).toAbsolutePath().normalize().toString();
                try (LoraAdapter adapter = config.mode() == SftConfig.Mode.LORA
                        ? LoraAdapter.create(weights, config.loraConfig(base), config.seed(), m) : null) {
                    List<Parameter> params = new ArrayList<>();
                    if (adapter == null) {
                        params.addAll(CausalLmGradients.allParameters(weights));
                    } else {
                        params.addAll(CausalLmGradients.loraParameters(adapter));
                        if (config.idTokenRowsFrom() >= 0) {
                            params.addAll(CausalLmGradients.tokenRowParameters(weights, config.idTokenRowsFrom()));
                        }
                    }
                    SftTrainer trainer = new SftTrainer(config);
                    SftTask task = trainer.task(weights, adapter, params, trainSeqs, m);
                    long[] tokens = new long[1];
                    task.setListener((step, loss, real, answer) -> {
                        tokens[0] += real;
                        stepLog.append("train", step, loss);
                    });
                    long t0 = System.nanoTime();
                    TrainResult r;
                    try (TorchThreads.Scope threads = TorchThreads.forModel(mc)) {
                        r = trainer.fit(task, validSeqs, new TrainHooks(null, checkpoint, resume, showProgress),
                                (epoch, loss) -> stepLog.append("valid", epoch, loss));
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;

                    String adapterDir = null;
                    String modelDir = null;
                    if (copy) {
                        replaceDirectory(out.resolve(MODEL_DIR), dir -> {
                            HfCheckpoint.save(dir, weights, tok);
                            Path gen = model.resolve("generation_config.json");
                            if (Files.isRegularFile(gen)) {
                                AtomicFile.writeString(dir.resolve("generation_config.json"), Files.readString(gen));
                            }
                        });
                        modelDir = MODEL_DIR;
                    }
                    if (adapter != null) {
                        replaceDirectory(out.resolve(ADAPTER_DIR), adapter::save);
                        adapterDir = ADAPTER_DIR;
                    }
                    Curves curves = new Curves(stepLog.read("train", Math.toIntExact(r.globalSteps())),
                            stepLog.read("valid", config.epochs()));
                    for (int i = 0; i < r.losses().length; i++) {
                        curves.loss[(int) r.firstStep() + i] = r.losses()[i];
                    }
                    SftRunRecord record = new SftRunRecord(Instant.now(), toolVersion(), model.toAbsolutePath().normalize().toString(),
                            trainData.toAbsolutePath().normalize().toString(),
                            validData == null ? null : validData.toAbsolutePath().normalize().toString(), config.toJson(),
                            maxLength, trainSeqs.size(), validSeqs.size(), task.trainableCount(), r.globalSteps(), r.firstStep(),
                            curves.loss, curves.valid(), r.bestEpoch(), r.stoppedEarly(),
                            seconds, seconds > 0 ? tokens[0] / seconds : 0, adapterDir, modelDir);
                    record.write(out.resolve(RUN_FILE));
                    Files.deleteIfExists(checkpoint);
                    stepLog.delete();
                    return record;
                }
            }
        }
    }

    private static List<SftSequence> encode(LlmTokenizer tok, List<SftExample> examples, LlamaConfig mc, int maxLength,
                                            Path file) {
        List<SftSequence> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            SftExample e = examples.get(i);
            String which = file + ": example " + (i + 1) + (e.id() == null ? "" : " (id " + e.id() + ")");
            SftSequence s;
            try {
                s = SftSequence.encode(tok, e, mc.eosTokenId(), maxLength);
            } catch (IllegalArgumentException ex) {
                throw new DataFormatException(which + ": " + ex.getMessage(), ex);
            }
            for (int id : s.idsView()) {
                if (id < 0 || id >= mc.vocabSize()) {
                    throw new DataFormatException(which + ": token id " + id + " is outside the model's vocabulary of "
                            + mc.vocabSize() + " (was the tokenizer extended without the weights?)");
                }
            }
            out.add(s);
        }
        return out;
    }

    /** Step losses and per-epoch validation losses recorded so far (NaN where none). */
    private record Curves(double[] loss, double[] validByEpoch) {
        /** Validation losses up to the last epoch validated. */
        double[] valid() {
            return Arrays.copyOf(validByEpoch, lastValidated() + 1);
        }

        private int lastValidated() {
            int last = -1;
            for (int e = 0; e < validByEpoch.length; e++) {
                if (!Double.isNaN(validByEpoch[e])) {
                    last = e;
                }
            }
            return last;
        }
    }

    /** Writes a directory under a temporary name, then renames it into place (replacing an earlier one). */
    private static void replaceDirectory(Path target, DirectoryWriter writer) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Path old = target.resolveSibling("." + target.getFileName() + ".old");
        Directories.deleteTree(partial);
        writer.write(partial);
        Directories.deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        Directories.deleteTree(old);
    }

    @FunctionalInterface
    private interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    private static String toolVersion() {
        String v = SftJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
