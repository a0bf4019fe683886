package org.tandemrec.crm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.tandemrec.eval.Curve;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.train.EpochLog;
import org.tandemrec.train.TrainHooks;

/**
 * The conventional models of one run directory, each trained once and kept as a {@link ModelFile}
 * (by default {@code crms/MODEL-dDIM-eEPOCHS-sSEED.bin}, so other settings never load it), its
 * epochs logged beside the checkpoints; a resumed run loads a kept model instead of training it
 * again, and gets its curves back from the log.
 */
public final class KeptCrms {
    private final Path runDir;
    private final Path splitDir;
    private final SplitData split;
    private final boolean resume;
    private final Consumer<String> log;

    /** {@code log} receives one line when a kept model is loaded. */
    public KeptCrms(Path runDir, Path splitDir, SplitData split, boolean resume, Consumer<String> log) {
        this.runDir = runDir;
        this.splitDir = splitDir;
        this.split = split;
        this.resume = resume;
        this.log = log;
    }

    /** Where {@code spec}'s model is kept unless a caller names another file. */
    public Path file(CrmSpec spec) {
        return runDir.resolve("crms").resolve(String.format(Locale.ROOT, "%s-d%d-e%d-s%d.bin", spec.model(), spec.dim(),
                spec.train().epochs(), spec.train().seed()));
    }

    /** {@link #trainOrLoad(CrmSpec, Path, Path, boolean)} at the default file, without a checkpoint. */
    public Recommender trainOrLoad(CrmSpec spec, boolean progressBar) throws IOException {
        return trainOrLoad(spec, file(spec), null, progressBar);
    }

    /**
     * The model kept in {@code file} when resuming (refused when it was trained on other users or
     * items), or else trained (continuing from {@code checkpoint} when resuming and one is given)
     * and written there atomically, with the split it was trained on.
     */
    public Recommender trainOrLoad(CrmSpec spec, Path file, Path checkpoint, boolean progressBar) throws IOException {
        EpochLog epochs = epochLog(spec.model());
        if (resume && Files.isRegularFile(file)) {
            log.accept(spec.model() + ": loading " + file);
            ModelFile.requireSameIds(file, splitDir, SplitIdentity.idsSha256(split));
            return CrmCatalog.load(file);
        }
        Files.createDirectories(runDir.resolve("checkpoints"));
        // Epochs already logged belong to the checkpoint this run continues from, if there is one.
        if (!(resume && checkpoint != null && Files.isRegularFile(checkpoint))) {
            epochs.delete();
        }
        Recommender r = CrmCatalog.train(spec, split, epochs.hooks(new TrainHooks(null, checkpoint,
                resume && checkpoint != null, progressBar)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        r.save(file, Optional.of(SplitIdentity.of(splitDir, split)));
        return r;
    }

    /**
     * The logged epochs of {@code spec}'s model as the report's curves ("CRMs: training loss by
     * epoch" and its validation metric), whether it was trained or loaded.
     */
    public List<Curve> curves(CrmSpec spec) {
        return epochLog(spec.model()).curves("CRMs: ", spec.model(), spec.train().epochs(),
                CrmCatalog.validationMetric(spec.model(), split));
    }

    private EpochLog epochLog(String model) {
        return new EpochLog(runDir.resolve("checkpoints/" + model + ".epochs.tsv"));
    }
}
