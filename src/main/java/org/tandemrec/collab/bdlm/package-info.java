/**
 * BDLM (arXiv 2311.03778): a CRM's user and item vectors pre-loaded as the LLM's ID tokens
 * ({@link org.tandemrec.collab.bdlm.BdlmLanguageModel}, §4.1), the feature-enhanced CRM that reads
 * the LLM's top-layer feature ({@link org.tandemrec.collab.bdlm.FeatureEnhancedCrm}, §4.2), the
 * sharing module and the alternating mutual learning of the two
 * ({@link org.tandemrec.collab.bdlm.MutualLearning}, §4.3), and the paper's comparison with its
 * baselines and ablations on one split ({@link org.tandemrec.collab.bdlm.BdlmRun}).
 */
package org.tandemrec.collab.bdlm;
