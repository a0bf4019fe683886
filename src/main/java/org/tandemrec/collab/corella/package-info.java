/**
 * CoReLLa (arXiv 2403.16378): click examples with rated histories
 * ({@link org.tandemrec.collab.corella.ClickExamples}), the LLM as a click model
 * ({@link org.tandemrec.collab.corella.ClickLanguageModel}), the layer-wise alignment of LLM blocks
 * with DCNv2 cross layers ({@link org.tandemrec.collab.corella.LayerAlignment}) trained in one graph
 * ({@link org.tandemrec.collab.corella.JointTask}, stage 2), the entropy router and the CRM → LLM
 * cascade a server runs ({@link org.tandemrec.collab.corella.EntropyRouter},
 * {@link org.tandemrec.collab.corella.Cascade}), and the three stages with their comparison
 * ({@link org.tandemrec.collab.corella.CorellaRun}), which writes what rebuilds its cascade
 * ({@link org.tandemrec.collab.corella.CascadeFile}) for a server to load
 * ({@link org.tandemrec.collab.corella.ServedCascade}).
 */
package org.tandemrec.collab.corella;
