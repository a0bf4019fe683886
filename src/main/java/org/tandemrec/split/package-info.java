/**
 * Splits and fixed evaluation sets, so every model is scored on the same candidates.
 *
 * <p>Entry point: {@link org.tandemrec.split.SplitPlan#run} builds a split from a data set and a
 * {@link org.tandemrec.split.SplitConfig} and writes a {@link org.tandemrec.split.SplitDirectory};
 * {@link org.tandemrec.split.SplitDirectory#read} gives it back as {@link org.tandemrec.split.SplitData}.
 * Protocols: leave-one-out (BDLM), global time split (CoReLLa), seeded random ratio split.
 * Negatives: {@link org.tandemrec.split.NegativeSampler} implementations (uniform, popularity,
 * text similarity with all-MiniLM-L6-v2 embeddings, mixed), drawn through
 * {@link org.tandemrec.split.NegativeDraw}; {@link org.tandemrec.split.UserItems} indexes each
 * user's items for exclusion and for the uniform negatives models train with.
 */
package org.tandemrec.split;
