/**
 * Where a conventional recommender and an LLM work together: the only layer that imports both
 * {@code crm} and {@code llm}. {@link org.tandemrec.collab.bdlm} (ID tokens, mutual learning) and
 * {@link org.tandemrec.collab.corella} (layer-wise alignment, entropy routing).
 */
package org.tandemrec.collab;
