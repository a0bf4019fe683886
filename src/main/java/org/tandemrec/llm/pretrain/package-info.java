/**
 * Training a small Llama-architecture model from scratch on a text corpus
 * ({@link org.tandemrec.llm.pretrain.Pretrainer}): a byte-level BPE vocabulary learned on the
 * corpus, random windows of the token stream as a {@link org.tandemrec.train.TrainingTask} of the
 * shared trainer (a fixed number of steps by default, resumable), saved in Hugging Face layout.
 */
package org.tandemrec.llm.pretrain;
