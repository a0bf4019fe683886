/**
 * Tandem's embedded default data set: a seeded synthetic world of users with topic tastes and
 * items with topic mixtures, text and a quality bias, whose true like probabilities are known.
 * Entry points: {@link org.tandemrec.data.synthetic.SyntheticWorld#generate} with a
 * {@link org.tandemrec.data.synthetic.SyntheticConfig}; the
 * {@link org.tandemrec.data.synthetic.SyntheticTruth} gives the oracle probability of any pair
 * and is saved as {@code truth.bin} next to the data set.
 */
package org.tandemrec.data.synthetic;
