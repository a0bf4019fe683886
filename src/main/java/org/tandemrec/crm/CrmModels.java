package org.tandemrec.crm;

import java.nio.file.Path;
import org.tandemrec.train.CheckpointException;

/** Loads any model file written by a {@link Recommender}, dispatching on the kind it records. */
public final class CrmModels {
    private CrmModels() {
    }

    public static Recommender load(Path file) {
        String kind = ModelFile.read(file).kind();
        return switch (kind) {
            case LightGcn.KIND -> LightGcn.load(file);
            case MatrixFactorization.KIND -> MatrixFactorization.load(file);
            case Ncf.KIND -> Ncf.load(file);
            case DcnV2.KIND -> DcnV2.load(file);
            case SasRec.KIND -> SasRec.load(file);
            case Gru4Rec.KIND -> Gru4Rec.load(file);
            case Bert4Rec.KIND -> Bert4Rec.load(file);
            case PopularityRecommender.KIND -> PopularityRecommender.load(file);
            case RandomRecommender.KIND -> RandomRecommender.load(file);
            default -> throw new CheckpointException(file, "unknown model kind '" + kind + "'");
        };
    }
}
