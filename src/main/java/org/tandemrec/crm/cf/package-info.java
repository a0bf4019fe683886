/**
 * Collaborative filtering on user and item ids, the CRMs whose embeddings BDLM pre-loads into
 * the LLM's ID tokens: {@link org.tandemrec.crm.cf.MatrixFactorization} (BPR or BCE),
 * {@link org.tandemrec.crm.cf.Ncf} (GMF, MLP, NeuMF; its network in
 * {@link org.tandemrec.crm.cf.NcfNetwork}, its training in
 * {@link org.tandemrec.crm.cf.NcfTrainingTask}), {@link org.tandemrec.crm.cf.LightGcn} over the
 * {@link org.tandemrec.crm.cf.NormalizedAdjacency} of the user–item graph, and the floors
 * {@link org.tandemrec.crm.cf.PopularityRecommender} and {@link org.tandemrec.crm.cf.RandomRecommender}.
 * Forward and backward passes are plain Java over row-major tables, so the id tables stay
 * row-sparse for lazy Adam; negatives come from {@link org.tandemrec.split.UserItems}.
 */
package org.tandemrec.crm.cf;
