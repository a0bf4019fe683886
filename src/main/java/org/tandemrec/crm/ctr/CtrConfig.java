package org.tandemrec.crm.ctr;

/**
 * What every CTR model's settings share: the field embedding size, how much of a user's history
 * is pooled into the history field, and the embeddings' initial spread. Implemented by the
 * models' config records.
 */
public interface CtrConfig {
    /** Embedding size d of every field (> 0). */
    int embeddingDim();

    /** The last H items of a user's history are mean-pooled into the history field (> 0). */
    int historyLength();

    /** Standard deviation of the normal initialisation of the field tables (> 0). */
    double initStd();
}
