/**
 * Conventional recommender models (CRMs) behind one interface, {@link org.tandemrec.crm.Recommender}:
 * scores of pairs or candidate lists, user/item embeddings, and named intermediate outputs as DJL
 * NDArrays (BDLM pre-loads the embeddings, CoReLLa aligns with the intermediates).
 *
 * <p>This package holds what every model family shares: {@link org.tandemrec.crm.CrmCatalog}
 * (every model by name, trained from a split, and loaded from its file by the kind it records),
 * {@link org.tandemrec.crm.CrmSpec} and {@link org.tandemrec.crm.ModelOptions} (what to train),
 * {@link org.tandemrec.crm.CrmEvaluation} (metric records on a split's fixed test sets),
 * {@link org.tandemrec.crm.ModelFile} (the model file format, with
 * {@link org.tandemrec.crm.RaggedRows} and {@link org.tandemrec.crm.Parameters}), and the training
 * step helpers: {@link org.tandemrec.crm.AutogradStep} (a DJL forward/backward pass over plain-Java
 * parameters), {@link org.tandemrec.crm.TensorFunctions}, {@link org.tandemrec.crm.WeightInit},
 * {@link org.tandemrec.crm.RowMajor} and {@link org.tandemrec.crm.Logistic}.
 *
 * <p>The families live in sub-packages, each model's {@code fit(...)} returning an immutable model:
 * <ul>
 * <li>{@link org.tandemrec.crm.cf}: collaborative filtering on user and item ids (MF with BPR or
 *     BCE, GMF/MLP/NeuMF, LightGCN) and the popularity and random floors;
 * <li>{@link org.tandemrec.crm.ctr}: click-through-rate models over categorical side features and
 *     histories (DCNv2), with Platt scaling;
 * <li>{@link org.tandemrec.crm.sequential}: next-item models over each user's sequence (SASRec,
 *     GRU4Rec, BERT4Rec).
 * </ul>
 * The sub-packages import this package, never each other.
 */
package org.tandemrec.crm;
